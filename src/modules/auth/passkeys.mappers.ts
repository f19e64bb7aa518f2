import { type PasskeyRow, transportsOf } from "../../db/passkeys.repo";

/** The API shape of a passkey, for its owner and for admins alike: names and states, never the key or the credential id. */
export const toPasskey = (p: PasskeyRow) => ({
  id: p.id,
  name: p.name,
  createdAt: p.created_at,
  lastUsedAt: p.last_used_at,
  deviceType: p.device_type,
  backedUp: p.backed_up === 1,
  transports: transportsOf(p.transports),
});
