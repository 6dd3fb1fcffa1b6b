/**
 * Whether a regular expression written in a runbook (a ticket pattern, an evidence pattern) is one,
 * said in a runbook author's words.
 *
 * `new RegExp(text)` alone is too forgiving: for compatibility with old web pages it reads a brace
 * that closes nothing as a literal, so `^CHG-\d{6$` compiles and then never matches a ticket. The
 * strict (unicode) grammar refuses those; it also refuses harmless escapes of punctuation such as
 * `\-` or `\#`, which mean the character itself, so those are taken out before the strict check.
 */

/** Punctuation the strict grammar lets a backslash escape; any other escaped punctuation is the character itself. */
const ESCAPABLE = new Set('^$\\.*+?()[]{}|/'.split(''));

export function regexPatternProblem(pattern: string): string | undefined {
  const strict = pattern.replace(/\\([^A-Za-z0-9])/gs, (sequence, char: string) =>
    ESCAPABLE.has(char) ? sequence : char,
  );
  try {
    new RegExp(strict, 'u');
    return undefined;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return `is not a valid regular expression: ${engineReason(reason.replace(/^Invalid regular expression: \/.*\/\w*: /s, ''))}`;
  }
}

/** The JavaScript engine's reasons (V8 wording), in plain words with what to write instead. */
function engineReason(reason: string): string {
  switch (reason) {
    case 'Incomplete quantifier':
      return 'a "{" opens a repeat count such as {6} that is not closed (write \\{ for a literal brace)';
    case 'Lone quantifier brackets':
      return 'a "{", "}" or "]" stands alone (put a backslash before it for the character itself)';
    case 'numbers out of order in {} quantifier':
      return 'a repeat count {n,m} has n greater than m';
    case 'Nothing to repeat':
      return '"*", "+", "?" or a {n} count follows nothing it could repeat (write \\* \\+ \\? for the character)';
    case 'Unterminated group':
      return 'a "(" is not closed';
    case "Unmatched ')'":
      return 'a ")" closes no "(" (write \\) for the character)';
    case 'Unterminated character class':
      return 'a "[" is not closed';
    case 'Range out of order in character class':
      return 'a range inside [...] runs backwards (write [a-z], not [z-a])';
    case '\\ at end of pattern':
      return 'it ends with a lone backslash';
    case 'Invalid escape':
    case 'Invalid class escape':
    case 'Invalid unicode escape':
      return 'a backslash escape is not one a regular expression knows (such as \\d, \\w, \\s or \\.)';
    case 'Invalid group':
      return '"(?" starts no kind of group a regular expression knows (such as (?:...) or (?<name>...))';
    case 'Duplicate capture group name':
      return 'two groups have the same name';
    case 'Invalid capture group name':
    case 'Invalid named capture referenced':
    case 'Invalid named reference':
      return 'a named group (?<name>...) or reference \\k<name> is malformed or names no group';
    case 'Invalid property name':
    case 'Invalid property name in character class':
      return '\\p{...} names no Unicode property';
    default:
      return reason.charAt(0).toLowerCase() + reason.slice(1);
  }
}
