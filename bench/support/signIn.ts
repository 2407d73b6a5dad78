/** Signs in over HTTP as a demo account: the session cookie and CSRF token later requests carry. */
export async function signIn(
  url: string,
  username: string,
  password: string,
): Promise<{ cookie: string; csrfToken: string; headers: Record<string, string> }> {
  const res = await fetch(`${url}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username, password }),
  });
  if (!res.ok) {
    throw new Error(`sign-in as ${username}: HTTP ${res.status}`);
  }
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  const cookie = (res.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  return { cookie, csrfToken, headers: { cookie, "x-csrf-token": csrfToken } };
}
