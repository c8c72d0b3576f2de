import "server-only";
import { cookies, headers } from "next/headers";
import { cache } from "react";
import { createCaller } from "~/server/api/root";
import { type CookieJar, createContext } from "~/server/api/trpc";
import { getRuntime } from "~/server/runtime";

/** Server components call procedures directly, with the same context (and role checks) as HTTP requests. */
export const serverApi = cache(async () => {
  const store = await cookies();
  const h = await headers();
  const jar: CookieJar = {
    get: (name) => store.get(name)?.value,
    // Server components cannot set cookies; sign-in and sign-out go through the HTTP endpoint.
    set: () => {},
    clear: () => {},
  };
  return createCaller(
    await createContext({ db: getRuntime().db, cookies: jar, userAgent: h.get("user-agent"), secure: false }),
  );
});
