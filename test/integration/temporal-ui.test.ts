import Docker from 'dockerode';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startServer, stopServer, type DevServerOptions } from '../../src/cli/devServer.js';
import { builtTasksDir, projectRoot, temporalCliPath } from '../../src/config/paths.js';
import { dockerAvailable, RUN_LABEL } from '../../src/sandbox/docker.js';
import { agentRun } from '../../src/workflows/index.js';
import {
  ALL_SEARCH_ATTRIBUTES, CrucibleAgent, CrucibleBestScore, CrucibleNodes, CrucibleStatus, CrucibleTask, initialSearchAttributes, searchAttributeFlags,
} from '../../src/workflows/searchAttributes.js';
import type { AgentRunInput } from '../../src/workflows/types.js';
import { launchChromium } from '../helpers/chromium.js';
import { startHarness, type Harness } from '../helpers/harness.js';


/** What an ops team types: breast-cancer runs whose best validation score beats 0.5. */
const QUERY = "CrucibleTask='breast-cancer' AND CrucibleBestScore > 0.5";

/** The one-line summary `crucible run` gives a run (src/cli/main.ts). */
const summaryOf = (input: AgentRunInput) =>
  `${input.agent.name} on ${input.task.id} (${input.task.metric}, ${input.task.direction}), seed ${input.seed}, budget 5m`;

/**
 * Runs are found by Crucible's search attributes: with `temporal workflow list --query`, the SDK's
 * list, and in the Temporal Web UI (its own dev server with the UI, driven in headless Chromium).
 * Three runs make the query selective: the match (breast-cancer, completed, good score), a completed
 * run on another task with a good score too, and a breast-cancer run still queued (no score yet).
 */
describe('finding runs by search attributes: temporal CLI, SDK and the Web UI', () => {
  let server: DevServerOptions | undefined;
  let uiUrl: string;
  let address: string;
  let h: Harness;
  let browser: Browser | undefined;
  const ids = { match: '', otherTask: '', queued: '' };
  const summaries = { match: '', otherTask: '', queued: '' };
  let bestScore: number;

  beforeAll(async () => {
    server = { stateDir: await mkdtemp(path.join(os.tmpdir(), 'crucible-ui-server-')), port: await freePort(), uiPort: await freePort() };
    const started = await startServer(server);
    address = started.address;
    uiUrl = started.uiUrl!;
    h = await startHarness({ name: 'ui', temporal: { TEMPORAL_ADDRESS: address }, execConcurrency: 2 });
    const q = h.queues;
    const inputs = {
      match: await h.input({ steps: '3', seed: '1' }),
      otherTask: await h.input({ steps: '3', seed: '2', task: path.join(builtTasksDir(), 'wine'), agent: 'aide-greedy' }),
      queued: await h.input({ steps: '3', seed: '3' }),
    };
    const start = (which: keyof typeof inputs, taskQueue: string) => {
      ids[which] = `${q.workflowId}-${which}`;
      summaries[which] = summaryOf(inputs[which]);
      // As `crucible run` starts a run: the initial attributes and the static summary.
      return h.client.workflow.start(agentRun, {
        taskQueue, workflowId: ids[which], args: [inputs[which]],
        typedSearchAttributes: initialSearchAttributes(inputs[which]), staticSummary: summaries[which],
      });
    };
    // No worker polls this queue: the run stays queued with only the attributes set at start.
    await start('queued', `${q.control}-nobody`);
    const handles = [await start('match', q.control), await start('otherTask', q.control)];
    const results = await h.until(Promise.all(handles.map((handle) => handle.result())));
    for (const r of results) expect(r.nodes).toBe(3);
    browser = await launchChromium('Temporal UI');
  });

  afterAll(async () => {
    await browser?.close();
    await h?.close();
    if (server) {
      await stopServer(server);
      await rm(server.stateDir, { recursive: true, force: true });
    }
    if (h) await rm(h.stateRoot, { recursive: true, force: true });
  });

  const listIds = async (query: string) => {
    const out: string[] = [];
    for await (const wf of h.client.workflow.list({ query })) out.push(wf.workflowId);
    return out.sort();
  };

  it('the runs carry the attributes: task, agent, status, nodes and best score', async () => {
    const match = await h.client.workflow.getHandle(ids.match).describe();
    expect(match.typedSearchAttributes.get(CrucibleTask)).toBe('breast-cancer');
    expect(match.typedSearchAttributes.get(CrucibleStatus)).toBe('completed');
    expect(match.typedSearchAttributes.get(CrucibleNodes)).toBe(3);
    bestScore = match.typedSearchAttributes.get(CrucibleBestScore)!;
    expect(bestScore).toBeGreaterThan(0.5);
    expect(await match.staticSummary()).toBe(summaries.match);

    const other = await h.client.workflow.getHandle(ids.otherTask).describe();
    expect(other.typedSearchAttributes.get(CrucibleTask)).toBe('wine');
    expect(other.typedSearchAttributes.get(CrucibleAgent)).toBe('aide-greedy');
    expect(other.typedSearchAttributes.get(CrucibleBestScore)).toBeGreaterThan(0.5);

    const queued = await h.client.workflow.getHandle(ids.queued).describe();
    expect(queued.typedSearchAttributes.get(CrucibleTask)).toBe('breast-cancer');
    expect(queued.typedSearchAttributes.get(CrucibleStatus)).toBe('running');
    expect(queued.typedSearchAttributes.get(CrucibleBestScore)).toBeUndefined();
  });

  it('the SDK list finds exactly the matching run, and each half of the query excludes one of the others', async () => {
    await expect.poll(() => listIds(QUERY), { timeout: 10_000 }).toEqual([ids.match]);
    expect(await listIds("CrucibleTask='breast-cancer'")).toEqual([ids.match, ids.queued].sort());
    expect(await listIds('CrucibleBestScore > 0.5')).toEqual([ids.match, ids.otherTask].sort());
    expect(await listIds("CrucibleStatus='running'")).toEqual([ids.queued]);
  });

  it('`temporal workflow list --query ... -o json` finds exactly the matching run', async () => {
    const { stdout } = await promisify(execFile)(temporalCliPath(), ['workflow', 'list', '--address', address, '--query', QUERY, '-o', 'json']);
    const listed = JSON.parse(stdout) as { execution: { workflowId: string } }[];
    expect(listed.map((w) => w.execution.workflowId)).toEqual([ids.match]);
  });

  /** The workflow ids in the UI's list, once it has loaded `count` rows. */
  const listedInUi = async (page: Page, url: string, count: number) => {
    await page.goto(url);
    const rows = page.getByTestId('workflows-summary-configurable-table-row');
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(count);
    const texts = await rows.allInnerTexts();
    return Object.values(ids).filter((id) => texts.some((t) => t.includes(id))).sort();
  };

  it('the UI\'s workflows page, given the query in ?query=, lists the matching run and not the others', async () => {
    const page = await browser!.newPage({ viewport: { width: 1600, height: 1000 } });
    const listRequests: string[] = [];
    page.on('request', (r) => { if (r.url().includes('/api/v1/namespaces/default/workflows?')) listRequests.push(r.url()); });

    // Unfiltered, the page shows all three runs: the filter below is what leaves two out.
    expect(await listedInUi(page, `${uiUrl}/namespaces/default/workflows`, 3)).toEqual(Object.values(ids).sort());
    listRequests.length = 0;
    expect(await listedInUi(page, `${uiUrl}/namespaces/default/workflows?query=${encodeURIComponent(QUERY)}`, 1)).toEqual([ids.match]);
    // The UI sent the query itself to the server's visibility store, and shows it in its filter bar (one chip per clause).
    expect(listRequests.some((u) => new URL(u).searchParams.get('query') === QUERY)).toBe(true);
    const body = await page.locator('body').innerText();
    expect(body).toContain('CrucibleTask = "breast-cancer"');
    expect(body).toContain('CrucibleBestScore > 0.5');
    await page.close();
  });

  it('the UI\'s run page shows the static summary (User Metadata tab) and the Crucible attributes (Search Attributes tab)', async () => {
    const page = await browser!.newPage({ viewport: { width: 1600, height: 1000 } });
    await page.goto(`${uiUrl}/namespaces/default/workflows/${ids.match}`);
    await page.getByRole('tab', { name: 'User Metadata' }).click();
    // The summary is rendered as Markdown in an iframe of its own (/render?content=...).
    await expect.poll(() => page.frameLocator('#user-metadata-summary').locator('body').innerText(), { timeout: 15_000 })
      .toContain(summaries.match);

    await page.getByRole('tab', { name: 'Search Attributes' }).click();
    await expect.poll(() => page.locator('body').innerText(), { timeout: 15_000 }).toContain('"CrucibleTask": "breast-cancer"');
    const text = await page.locator('body').innerText();
    expect(text).toContain(`"CrucibleBestScore": ${bestScore}`);
    expect(text).toContain('"CrucibleStatus": "completed"');
    expect(text).toContain('"CrucibleNodes": 3');
    expect(text).toContain('"CrucibleAgent": "aira-greedy"');
    await page.close();
  });

  it('leaves no sandbox containers behind', async () => {
    if (!(await dockerAvailable())) return; // the process sandbox ran the solutions
    const left = await new Docker().listContainers({ all: true, filters: { label: [RUN_LABEL] } });
    expect(left.filter((c) => Object.values(ids).includes(c.Labels[RUN_LABEL] ?? ''))).toEqual([]);
  });
});

describe('README: registering the search attributes on a production cluster', () => {
  it('gives `crucible attributes` and one `temporal operator search-attribute create` per attribute, with its type', async () => {
    const readme = await readFile(path.join(projectRoot, 'README.md'), 'utf8');
    expect(readme).toContain('TEMPORAL_ADDRESS=host:7233 bin/crucible attributes');
    const documented = [...readme.matchAll(/^temporal operator search-attribute create .*--name (\w+) --type (\w+)$/gm)].map((m) => `${m[1]}=${m[2]}`);
    // The same NAME=Type pairs the dev server gets at start.
    const real = searchAttributeFlags().filter((f) => f !== '--search-attribute');
    expect(documented).toEqual(real);
    expect(documented).toHaveLength(ALL_SEARCH_ATTRIBUTES.length);
  });
});
