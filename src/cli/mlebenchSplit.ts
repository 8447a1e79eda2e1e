/**
 * An MLE-bench split as the CLI reads it (`crucible tasks mlebench`, `crucible bench --tasks
 * mlebench:<split>`): the registry (splitRegistry) and the data folder, and the split's prepared
 * competitions as task folders. What is missing is bad input (UsageError, exit 2), saying what to do.
 */
import path from 'node:path';
import { isDir } from '../tasks/files.js';
import { MlebenchUnavailable, listSplit, mlebenchDataDir, splitNames, splitRegistry, type MlebenchRegistry, type SplitListing } from '../tasks/sources/mlebenchRegistry.js';
import { UsageError } from './usageError.js';

export interface SplitSource {
  registry: MlebenchRegistry;
  dataDir: string;
}

/** The registry and the data folder (`dataDirFlag`, else MLEBENCH_DATA_DIR, else mlebench's default). */
export async function splitSource(dataDirFlag: string | undefined): Promise<SplitSource> {
  try {
    const registry = await splitRegistry();
    return { registry, dataDir: mlebenchDataDir(registry, dataDirFlag) };
  } catch (err) {
    throw err instanceof MlebenchUnavailable ? new UsageError(err.message) : err;
  }
}

/** The split's listing; an unknown split names the known ones. */
export function splitListing({ registry, dataDir }: SplitSource, split: string): SplitListing {
  const listing = listSplit(registry, split, dataDir);
  if (listing === null) {
    const from = isDir(registry.splitsDir)
      ? `from ${registry.splitsDir}`
      : `${registry.splitsDir} is missing: install mlebench from a clone with \`pip install -e\`, or set MLEBENCH_SPLITS_DIR to a folder of <split>.txt files`;
    throw new UsageError(`unknown split "${split}": known splits are ${splitNames(registry).join(', ')} (${from})`);
  }
  return listing;
}

/**
 * The task folders of a split: `<data dir>/<id>` for each competition. Competitions not prepared in
 * the data folder are refused, listed with the command that prepares them, unless `preparedOnly`
 * (then only the prepared ones run).
 */
export async function splitTaskDirs(split: string, o: { dataDir?: string; preparedOnly: boolean }): Promise<string[]> {
  const source = await splitSource(o.dataDir);
  const listing = splitListing(source, split);
  const prepared = listing.competitions.filter((c) => c.prepared).map((c) => c.id);
  const missing = listing.competitions.filter((c) => !c.prepared).map((c) => c.id);
  if (missing.length > 0 && (!o.preparedOnly || prepared.length === 0)) {
    throw new UsageError(
      `mlebench:${split}: ${missing.length} of ${listing.competitions.length} competitions are not prepared in ${source.dataDir}: ${missing.join(', ')}. ` +
        `Prepare each with \`mlebench prepare -c <id> --data-dir ${source.dataDir}\` (or point --data-dir or MLEBENCH_DATA_DIR at the folder that holds them)` +
        (prepared.length > 0 ? `, or add --prepared-only to run the ${prepared.length} prepared ones` : ''),
    );
  }
  return prepared.map((id) => path.join(source.dataDir, id));
}
