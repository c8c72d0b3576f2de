import type { IncomingMessage, ServerResponse } from "node:http";
import { CLIENT_ADDRESS_HEADER } from "./client-address";

/**
 * What the console's HTTP server does to every request before Next (or the test server) sees it: stamps the
 * caller's address (overwriting any client-sent value), and closes the connection when a reply went out before
 * the request body was read to its end (a refused upload: the rest is not wanted, and must not be read).
 */
export function prepareRequest(
  req: IncomingMessage,
  res: ServerResponse,
  clientAddress: (req: IncomingMessage) => string,
) {
  req.headers[CLIENT_ADDRESS_HEADER] = clientAddress(req);
  res.on("finish", () => {
    if (!req.complete) req.socket.destroy();
  });
}
