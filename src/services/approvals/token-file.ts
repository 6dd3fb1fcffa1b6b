import { readFile, stat } from 'node:fs/promises';

/** A token file is one line; anything much larger is not one. */
const MAX_TOKEN_FILE_BYTES = 64 * 1024;

/** The text of a token file dropped into the approval form, or why it cannot be read. */
export async function readTokenFile(path: string): Promise<{ text: string } | { problem: string }> {
  try {
    const info = await stat(path);
    if (info.isDirectory())
      return { problem: `${path} is a folder; give the token itself or the path of its file.` };
    if (info.size > MAX_TOKEN_FILE_BYTES)
      return { problem: `${path} is ${info.size} bytes, too large to be an approval token file.` };
    return { text: await readFile(path, 'utf8') };
  } catch {
    return {
      problem: `No approval token file at ${path}: paste the token printed by \`conductor approve\`, or the path of the file it was saved to.`,
    };
  }
}
