/**
 * The plan's marker of what the person does for a service, shared by the widget, the plain
 * text and the public pages so that all of them say the same: the state does it, the person
 * confirms an offer, the person does it, or — for an optional service the person applies for —
 * the person can do it if they need it (an optional service is not an obligation).
 */
import type { ServiceKind, ServiceMode } from './frames.js';

export type PlanMarker = ServiceMode | 'optional';

export function planMarker(service: {
  kind?: ServiceKind | undefined;
  mode?: ServiceMode | undefined;
}): PlanMarker {
  const mode = service.mode ?? 'application';
  return mode === 'application' && service.kind === 'optional' ? 'optional' : mode;
}
