// Which CIDR blocks a network rule opens to the internet, and which stay private.

/**
 * True for a CIDR that spans a wide part of the internet: /8 or wider in IPv4, /16 or wider in
 * IPv6 (0.0.0.0/0 and ::/0, and their halves: 0.0.0.0/1 and 128.0.0.0/1 together are the same
 * thing), unless it lies within a private, shared, loopback or link-local range.
 */
export function isInternetWide(cidr: string): boolean {
  const match = /^\s*([^/\s]+)\/(\d{1,3})\s*$/.exec(cidr);
  if (match === null) return false;
  const prefix = Number(match[2]);
  const v4 = parseIpv4(match[1] as string);
  if (v4 !== undefined) return prefix <= 32 && prefix <= 8 && !IPV4_PRIVATE.some(([net, bits]) => prefix >= bits && sameNetwork(v4, net, bits));
  const v6 = parseIpv6(match[1] as string);
  if (v6 !== undefined) return prefix <= 128 && prefix <= 16 && !IPV6_PRIVATE.some(([net, bits]) => prefix >= bits && (v6 >> BigInt(128 - bits)) === (net >> BigInt(128 - bits)));
  return false;
}

const IPV4_PRIVATE: readonly [number, number][] = [
  [0x0a000000, 8], // 10.0.0.0/8
  [0xac100000, 12], // 172.16.0.0/12
  [0xc0a80000, 16], // 192.168.0.0/16
  [0x64400000, 10], // 100.64.0.0/10, shared address space
  [0x7f000000, 8], // 127.0.0.0/8
  [0xa9fe0000, 16], // 169.254.0.0/16
];
const IPV6_PRIVATE: readonly [bigint, number][] = [
  [0xfc00n << 112n, 7], // fc00::/7, unique local
  [0xfe80n << 112n, 10], // fe80::/10, link-local
];

function sameNetwork(address: number, network: number, bits: number): boolean {
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return ((address & mask) >>> 0) === ((network & mask) >>> 0);
}

function parseIpv4(text: string): number | undefined {
  const parts = text.split(".");
  if (parts.length !== 4 || !parts.every((part) => /^\d{1,3}$/.test(part) && Number(part) <= 255)) return undefined;
  return parts.reduce((sum, part) => sum * 256 + Number(part), 0);
}

function parseIpv6(text: string): bigint | undefined {
  if (!/^[0-9a-fA-F:]+$/.test(text) || text.split("::").length > 2) return undefined;
  const [head = "", tail] = text.split("::");
  const groups = (side: string) => (side === "" ? [] : side.split(":"));
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const missing = 8 - left.length - right.length;
  if ((tail === undefined && missing !== 0) || missing < 0 || ![...left, ...right].every((group) => /^[0-9a-fA-F]{1,4}$/.test(group))) return undefined;
  const all = [...left, ...Array(tail === undefined ? 0 : missing).fill("0"), ...right];
  return all.reduce((sum, group) => (sum << 16n) + BigInt(parseInt(group, 16)), 0n);
}
