// The sign-in form: sign in, or register with the display name filled in. Errors from the server
// (wrong password, email taken, too many attempts) are shown under the form.
import { KitError, type Session, type SignedOutReason } from "@mundo-tango/client";
import { byId } from "./dom.js";

const SIGNED_OUT_NOTICES: Record<SignedOutReason, string> = {
  logout: "Signed out.",
  "refresh-refused": "Your session ended; please sign in again.",
  "account-disabled": "This account is disabled.",
  "other-tab": "Signed out in another tab.",
};

export function mountAuth(session: Session): { notice(reason: SignedOutReason): void } {
  const form = byId<HTMLFormElement>("auth-form");
  const notice = byId("auth-notice");
  const value = (id: string) => byId<HTMLInputElement>(id).value.trim();

  async function run(action: () => Promise<unknown>) {
    notice.textContent = "";
    try {
      await action();
      byId<HTMLInputElement>("password").value = "";
    } catch (error) {
      notice.textContent = error instanceof KitError ? error.message : String(error);
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void run(() => session.login({ email: value("email"), password: byId<HTMLInputElement>("password").value }));
  });
  byId("register").addEventListener("click", () => {
    if (!form.reportValidity()) return;
    if (!value("display-name")) {
      notice.textContent = "Fill in a display name to register.";
      return;
    }
    void run(() =>
      session.register({
        email: value("email"),
        password: byId<HTMLInputElement>("password").value,
        displayName: value("display-name"),
      }),
    );
  });

  return {
    notice(reason) {
      notice.textContent = SIGNED_OUT_NOTICES[reason];
    },
  };
}
