// The browser side of the forwarder app: better-auth's own client, on the
// app's origin (so it calls /api/auth/* of the forwarder), with the
// organization plugin as an app with organizations has it. The plugin only
// adds methods (`authClient.organization.*`) and atoms nobody subscribes to
// here, so what the plain client sends is unchanged.
import { createAuthClient } from "better-auth/client";
import { organizationClient } from "better-auth/client/plugins";

const authClient = createAuthClient({ baseURL: location.origin, plugins: [organizationClient()] });

declare global {
  interface Window {
    authClient: typeof authClient;
  }
}

window.authClient = authClient;
const status = document.getElementById("status");
if (status) status.textContent = "better-auth client ready.";
