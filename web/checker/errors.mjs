// Anything thrown, as text a person can read: the page (api.mjs, results.mjs) and the checker's
// worker (worker.mjs) say errors with this one function, so none can read "[object Object]".

/**
 * Anything thrown, as text: an Error's message, or anything's (an ErrorEvent's), a string as it
 * is, an event by its type, any other value as JSON, or by its kind ("Object (no message)");
 * never "[object Object]".
 * @param {unknown} error
 */
export function errorText(error) {
  const { message, name } = error instanceof Object ? /** @type {{message?: unknown, name?: unknown}} */ (error) : {};
  if (typeof message === "string" && message) return message;
  if (typeof error === "string") return error;
  if (error instanceof Event) return `${error.type} event`;
  if (typeof name === "string" && name) return name;
  try {
    const json = JSON.stringify(error);
    if (json !== undefined && json !== "{}") return json;
  } catch {
    // cyclic, or a BigInt inside: said by its kind
  }
  return error instanceof Object || (typeof error === "object" && error) ? `${Object.prototype.toString.call(error).slice(8, -1)} (no message)` : String(error);
}
