// The slac extension: syntax highlighting (the TextMate grammar) and a client for `slac lsp`.
//
// All language intelligence lives in the server, so the editor shows exactly what `slac check`
// and `slac fmt` say; this file only starts the server and restarts it when `slac.path` changes.
import * as vscode from 'vscode';
import { LanguageClient, LanguageClientOptions, ServerOptions } from 'vscode-languageclient/node';

let client: LanguageClient | undefined;

/** The configured executable; `${workspaceFolder}` is expanded, as users expect from VS Code settings. */
function slacPath(): string {
  const configured = vscode.workspace.getConfiguration('slac').get<string>('path') || 'slac';
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '';
  return configured.replace('${workspaceFolder}', folder);
}

async function start(): Promise<void> {
  // No `transport` option: vscode-languageclient would append `--stdio`; `slac lsp` speaks stdio only.
  const run = { command: slacPath(), args: ['lsp'] };
  const serverOptions: ServerOptions = { run, debug: run };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'slac' },
      { scheme: 'untitled', language: 'slac' },
    ],
  };
  client = new LanguageClient('slac', 'slac', serverOptions, clientOptions);
  try {
    await client.start();
  } catch (error) {
    void vscode.window.showErrorMessage(
      `slac: could not start \`${slacPath()} lsp\` (${String(error)}). Set "slac.path" to the slac executable.`);
  }
}

async function restart(): Promise<void> {
  const old = client;
  client = undefined;
  await old?.stop();
  await start();
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  context.subscriptions.push(
    vscode.commands.registerCommand('slac.restartServer', restart),
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (event.affectsConfiguration('slac.path')) {
        await restart();
      }
    }),
  );
  await start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
