/**
 * Recording and offline re-drive. Every model call can be handed to a RecordingSink as a CallRecord
 * (the request's messages and parameters, and the raw completion); the operate activity stores these
 * as artifacts referenced by the node. A record holds no API key: the key lives only inside the HTTP
 * client's Authorization header, never in the request body or the completion.
 *
 * ReplayClient re-drives from records: it answers each call with the next recorded completion, in
 * order, without any HTTP request, so a recorded run can be re-run offline and gives the same nodes.
 * It is production code (the offline re-drive), not a test double.
 */
import type { ChatClient, ChatCompletion, ChatRequest } from './client.js';
import { LlmFatalError } from './errors.js';
import type { LlmOperator } from '../../config/llm.js';
import type { LlmCallUsage } from '../types.js';

export interface CallRecord {
  op: LlmOperator;
  /** 0 for the first call of an operator, 1.. for its re-asks. */
  attempt: number;
  request: ChatRequest;
  completion: ChatCompletion;
  usage: LlmCallUsage;
}

/** Receives every call; may be async (the backend awaits it, so a failing sink fails the operator). */
export type RecordingSink = (record: CallRecord) => void | Promise<void>;

export class ReplayClient implements ChatClient {
  readonly endpoint = 'replay';
  private next = 0;
  private readonly completions: ChatCompletion[];

  /** Recorded completions in call order (CallRecords or bare completions). */
  constructor(recorded: readonly (CallRecord | ChatCompletion)[]) {
    this.completions = recorded.map((r) => ('completion' in r ? r.completion : r));
  }

  get remaining(): number {
    return this.completions.length - this.next;
  }

  complete(_request: ChatRequest): Promise<ChatCompletion> {
    const completion = this.completions[this.next];
    if (!completion) {
      return Promise.reject(new LlmFatalError(`replay: the recording has ${this.completions.length} completions and call ${this.next + 1} asks for another`));
    }
    this.next++;
    return Promise.resolve(structuredClone(completion));
  }
}

/** A sink that keeps records in memory (handy for the CLI and for assembling a replay). */
export function memorySink(): { sink: RecordingSink; records: CallRecord[] } {
  const records: CallRecord[] = [];
  return { sink: (record) => void records.push(structuredClone(record)), records };
}
