import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import path from 'node:path';
import { projectRoot } from '../config/paths.js';

export const WORKFLOWS_PATH = path.join(projectRoot, 'src', 'workflows', 'index.ts');

/**
 * Our sources import `./x.js` (ESM NodeNext) while the files are `.ts`; teach webpack that alias.
 * Shared by workers, replay and tests so the bundle is always built the same way.
 */
export function webpackConfigHook<T extends { resolve?: object }>(config: T): T {
  return { ...config, resolve: { ...config.resolve, extensionAlias: { '.js': ['.ts', '.js'] } } };
}

export async function bundleWorkflows(workflowsPath = WORKFLOWS_PATH): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({ workflowsPath, webpackConfigHook, logger: quietLogger });
}

/** The bundler logs every module at INFO; only warnings matter to a user. */
const quietLogger = {
  log: () => undefined, trace: () => undefined, debug: () => undefined, info: () => undefined,
  warn: (m: string) => console.warn(m), error: (m: string) => console.error(m),
};
