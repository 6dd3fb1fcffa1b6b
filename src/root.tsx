import { Box, Text } from 'ink';
import { useState } from 'react';
import { App, type ExitHow } from './app.js';
import type { SessionView } from './engine/session-view.js';
import type { KeyContext } from './keys.js';
import { Home, type HomeProps, type HomeSession, type StartRequest } from './screens/Home.js';
import { ThemeProvider, themeFor, useTerminalSize } from './terminal/index.js';

export interface RootProps {
  /** Set when the command already knows the session (resume ID, rehearse --autopilot). */
  session?: SessionView;
  sessions: readonly HomeSession[];
  edges: readonly string[];
  nextEdges?: HomeProps['nextEdges'];
  defaults?: Partial<StartRequest>;
  rehearsal?: { scenario: string; speed: number };
  /** Synchronous checks of the form: one sentence when it cannot start. */
  validate: (request: StartRequest) => string | undefined;
  start: (request: StartRequest) => Promise<SessionView>;
  resume: (id: string) => Promise<SessionView>;
  onSession: (session: SessionView) => void;
  onExit: (how: ExitHow, session?: SessionView) => void;
  /** Told the key context of each frame (the key thread reads what the abort keys do from it). */
  onKeyContext?: (ctx: KeyContext) => void;
}

/** Home until a session exists, then the session's App. */
export function Root(props: RootProps) {
  const [session, setSession] = useState<SessionView | undefined>(props.session);
  const [busy, setBusy] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();
  const size = useTerminalSize();

  const open = (what: string, promise: Promise<SessionView>) => {
    setBusy(what);
    setError(undefined);
    promise.then(
      (c) => {
        setBusy(undefined);
        setSession(c);
        props.onSession(c);
      },
      (e: unknown) => {
        setBusy(undefined);
        setError(e instanceof Error ? e.message : String(e));
      },
    );
  };

  if (session)
    return (
      <App
        conductor={session}
        rehearsal={props.rehearsal}
        onExit={(how) => props.onExit(how, session)}
        onKeyContext={props.onKeyContext}
      />
    );
  if (busy) {
    return (
      <Box height={size.rows - 1} alignItems="center" justifyContent="center">
        <Text>{busy}</Text>
      </Box>
    );
  }
  return (
    <ThemeProvider theme={themeFor(process.env)}>
      <Box flexDirection="column">
        {error ? <Text color="red">{error}</Text> : null}
        <Home
          sessions={props.sessions}
          now={Date.now()}
          edges={props.edges}
          nextEdges={props.nextEdges}
          defaults={props.defaults}
          rehearsal={props.rehearsal}
          width={size.columns}
          height={size.rows - (error ? 2 : 1)}
          onQuit={() => props.onExit('quit')}
          onKeyContext={props.onKeyContext}
          onResume={(id) => open(`Resuming ${id}...`, props.resume(id))}
          onStart={(request) => {
            const problem = props.validate(request);
            if (problem) return problem;
            open(`Starting ${request.edge} ${request.version}...`, props.start(request));
            return undefined;
          }}
        />
      </Box>
    </ThemeProvider>
  );
}
