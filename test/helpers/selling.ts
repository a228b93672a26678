import { Terminal, type Envelope } from './terminal.js';

export interface SaleSpec {
  api_key: string;
  POSID: number;
  PaymentMethod: number;
  Products: { ID: number; Amount: number }[];
}

export interface SellerReport {
  /** RequestID → TicketID of every sale the seller saw acknowledged. */
  acknowledged: Map<string, number>;
  /** How often the connection was lost and re-established. */
  reconnects: number;
  /** Error answers received (not connection losses). */
  errors: Envelope[];
}

/**
 * A terminal that behaves as a real one should on flaky networks: every sale
 * carries a RequestID, and a sale whose answer never came is sent again with
 * the same RequestID after reconnecting (to the next URL in the list).
 */
export async function sell(
  urls: string[],
  query: string,
  prefix: string,
  count: number,
  sale: SaleSpec,
  deadlineMs = 60_000,
  onAcknowledged?: (acknowledged: number) => void,
): Promise<SellerReport> {
  const report: SellerReport = { acknowledged: new Map(), reconnects: 0, errors: [] };
  const deadline = Date.now() + deadlineMs;
  let which = 0;
  let terminal: Terminal | undefined;
  for (let i = 0; i < count; ) {
    if (Date.now() > deadline) throw new Error(`${prefix}: gave up after ${report.acknowledged.size} sales`);
    try {
      terminal ??= await Terminal.connect(urls[which % urls.length]!, query);
      const requestId = `${prefix}-${i}`;
      const answer = await terminal.request('payitems', { ...sale, RequestID: requestId }, {}).catch((e: Error) => {
        throw e;
      });
      if (answer.type === 'event') {
        report.acknowledged.set(requestId, answer.result.parameters?.TicketID as number);
        i += 1;
        onAcknowledged?.(report.acknowledged.size);
      } else {
        report.errors.push(answer);
        i += 1;
      }
    } catch {
      // Lost the connection (or could not connect): try the next gateway, then retry the same sale.
      terminal?.ws.terminate();
      terminal = undefined;
      report.reconnects += 1;
      which += 1;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  terminal?.close();
  return report;
}
