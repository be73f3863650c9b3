/**
 * Human review over the executor's REST API (`/reviews`): list the runs waiting for a person, show one, approve,
 * edit or reject it. Uses Node's `fetch`; the API key is the one the executor was given (`X-API-Key`).
 */
import { Action, ReviewRequest } from './records';

/**
 * A review as the executor lists it: the request's pending action, the validator's reason, the task's input, and
 * whether it still waits.
 */
export interface Review
  extends Pick<
    ReviewRequest,
    'reviewId' | 'taskId' | 'runId' | 'agent' | 'workflow' | 'step' | 'stepIndex' | 'policy' | 'action' | 'reason'
    | 'input' | 'expiresAt'
  > {
  status: 'WAITING' | 'DECIDED';
  onTimeout: string;
  [more: string]: unknown;
}

/** The executor refused a call: `status` 404 for an unknown review, 409 for one decided already. */
export class ReviewError extends Error {
  constructor(readonly status: number, message: string) {
    super(`${status} ${message}`);
    this.name = 'ReviewError';
  }
}

/** Reviews of suspended runs; a decision is published by the executor to `patinox.review.decisions`. */
export class ReviewClient {
  private readonly base: string;

  constructor(baseUrl = 'http://127.0.0.1:8081', private readonly apiKey?: string) {
    this.base = baseUrl.replace(/\/+$/, '');
  }

  /** The reviews waiting for a decision, oldest first. */
  list(): Promise<Review[]> {
    return this.call('GET', '/reviews');
  }

  /** One review, waiting or decided. */
  show(reviewId: string): Promise<Review> {
    return this.call('GET', `/reviews/${encodeURIComponent(reviewId)}`);
  }

  /** Runs the pending action as it is; resolves to the decision. */
  approve(reviewId: string, reviewer: string): Promise<Record<string, unknown>> {
    return this.call('POST', `/reviews/${encodeURIComponent(reviewId)}/approve`, { reviewer });
  }

  /** Runs `action` instead, if the validator allows it (it is validated again). */
  edit(reviewId: string, action: Action, reviewer: string): Promise<Record<string, unknown>> {
    return this.call('POST', `/reviews/${encodeURIComponent(reviewId)}/edit`, { reviewer, action });
  }

  /** Ends the run with `reason`. */
  reject(reviewId: string, reason: string, reviewer: string): Promise<Record<string, unknown>> {
    return this.call('POST', `/reviews/${encodeURIComponent(reviewId)}/reject`, { reviewer, reason });
  }

  private async call<T>(method: string, path: string, body?: object): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (body) headers['Content-Type'] = 'application/json';
    if (this.apiKey) headers['X-API-Key'] = this.apiKey;
    const response = await fetch(this.base + path, { method, headers, body: body ? JSON.stringify(body) : undefined });
    const text = await response.text();
    if (!response.ok) {
      let message = text;
      try {
        message = (JSON.parse(text) as { error?: string }).error ?? text;
      } catch {
        // not JSON: the body as it is
      }
      throw new ReviewError(response.status, message);
    }
    return (text ? JSON.parse(text) : {}) as T;
  }
}
