// The browser side of the forwarder app: better-auth's own client, with no
// plugins, on the app's origin (so it calls /api/auth/* of the forwarder).
import { createAuthClient } from "better-auth/client";

const authClient = createAuthClient({ baseURL: location.origin });

declare global {
  interface Window {
    authClient: typeof authClient;
  }
}

window.authClient = authClient;
const status = document.getElementById("status");
if (status) status.textContent = "better-auth client ready.";
