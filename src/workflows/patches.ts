/**
 * The ids of the workflow's `wf.patched` branches, in the order a run meets them. 0.2.0 retired every
 * earlier one, and with them the replay of histories recorded before it. A change of workflow
 * behaviour adds its id here and `wf.patched(id)` where the behaviour first differs, with a history
 * fixture recorded before the change (test/fixtures/histories/README.md).
 */
export const PATCHES: readonly string[] = ['improve-below-optimum', 'progress-at-start'];
