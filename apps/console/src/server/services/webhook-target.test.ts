import { describe, expect, it } from "vitest";
import { checkedAddresses, RefusedTarget, refusalOf } from "./webhook-target";

const strict = { allowPrivate: false, consolePort: 3000 };
const lenient = { allowPrivate: true, consolePort: 3000 };

describe("refusalOf", () => {
  it.each(["8.8.8.8", "1.1.1.1", "203.0.113.10", "2001:4860:4860::8888", "2a00:1450:4001:82b::200e"])(
    "lets a public address through: %s",
    (address) => {
      expect(refusalOf(address, 443, strict)).toBeNull();
    },
  );

  it.each([
    ["127.0.0.1", "loopback"],
    ["127.255.0.9", "loopback"],
    ["::1", "loopback"],
    ["::ffff:127.0.0.1", "loopback"],
    ["10.0.0.1", "private"],
    ["172.31.255.255", "private"],
    ["192.168.0.10", "private"],
    ["fd12:3456::1", "private"],
    ["64:ff9b::7f00:1", "private"],
    ["100.100.100.100", "shared (CGNAT)"],
    ["169.254.169.254", "link-local"],
    ["::ffff:169.254.169.254", "link-local"],
    ["fe80::1", "link-local"],
    ["0.0.0.0", "unspecified"],
    ["::", "unspecified"],
    ["239.255.255.250", "multicast"],
    ["ff02::1", "multicast"],
    ["255.255.255.255", "broadcast"],
  ])("refuses %s as %s", (address, reason) => {
    expect(refusalOf(address, 443, strict)).toContain(reason);
  });

  it("with private targets allowed, still refuses link-local and the console's own port", () => {
    expect(refusalOf("10.0.0.1", 443, lenient)).toBeNull();
    expect(refusalOf("127.0.0.1", 8080, lenient)).toBeNull();
    expect(refusalOf("127.0.0.1", 3000, lenient)).toBe("the console itself");
    expect(refusalOf("169.254.169.254", 80, lenient)).toContain("link-local");
  });
});

describe("checkedAddresses", () => {
  it("refuses a name when any of its addresses is refused", async () => {
    const resolve = async () => [
      { address: "93.184.215.14", family: 4 },
      { address: "10.0.0.7", family: 4 },
    ];
    await expect(checkedAddresses(new URL("https://mixed.example/"), strict, resolve)).rejects.toThrow(
      /10\.0\.0\.7 is a private address/,
    );
  });

  it("returns the checked addresses of a public name, and reads IPv6 literals", async () => {
    const resolve = async () => [{ address: "93.184.215.14", family: 4 }];
    expect(await checkedAddresses(new URL("https://ok.example/"), strict, resolve)).toEqual([
      { address: "93.184.215.14", family: 4 },
    ]);
    await expect(checkedAddresses(new URL("http://[::1]:8080/"), strict)).rejects.toBeInstanceOf(RefusedTarget);
  });

  it("refuses a name that does not resolve", async () => {
    const resolve = async () => {
      throw Object.assign(new Error("getaddrinfo ENOTFOUND"), { code: "ENOTFOUND" });
    };
    await expect(checkedAddresses(new URL("https://nowhere.example/"), strict, resolve)).rejects.toThrow(
      /does not resolve/,
    );
  });
});
