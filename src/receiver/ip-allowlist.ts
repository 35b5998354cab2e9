import { BlockList, isIP } from 'node:net';

export interface IpAllowList {
  /** The entries as configured, for logs and errors. */
  readonly entries: readonly string[];
  /** Whether `ip` (IPv4, IPv6 or IPv4-mapped IPv6) falls in one of the entries. */
  allows(ip: string): boolean;
}

/** An allowlist entry that is neither an IP address nor a CIDR; `index` names it in config errors. */
export class InvalidIpEntryError extends Error {
  constructor(
    readonly index: number,
    message: string,
  ) {
    super(message);
    this.name = 'InvalidIpEntryError';
  }
}

const MAPPED_V4 = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

/**
 * `::ffff:a.b.c.d` → `a.b.c.d`. A dual-stack listener reports IPv4 clients in this form, and an
 * operator writes IPv4 CIDRs; BlockList happens to match across the two, but undocumented, so
 * both sides are normalised here.
 */
function unmap(address: string): { address: string; family: 4 | 6; mapped: boolean } {
  const mapped = MAPPED_V4.exec(address);
  if (mapped && isIP(mapped[1]) === 4) return { address: mapped[1], family: 4, mapped: true };
  return { address, family: isIP(address) as 4 | 6, mapped: false };
}

function addEntry(list: BlockList, entry: string, index: number): void {
  const fail = (why: string): never => {
    throw new InvalidIpEntryError(index, `${JSON.stringify(entry)} is not an IP address or CIDR: ${why}`);
  };
  const [rawAddress, prefixText, ...extra] = entry.trim().split('/');
  if (extra.length > 0) fail('more than one "/"');
  // A zone (fe80::1%eth0) names an interface of this host; it can never match a remote peer.
  if (rawAddress.includes('%')) fail('zone IDs are not supported');
  if (isIP(rawAddress) === 0) fail('not a valid IPv4 or IPv6 address');
  const { address, family, mapped } = unmap(rawAddress);
  const bits = family === 4 ? 32 : 128;
  const writtenBits = mapped ? 128 : bits;
  let prefix = writtenBits;
  if (prefixText !== undefined) {
    if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > writtenBits) fail(`the prefix must be 0-${writtenBits}`);
    prefix = Number(prefixText);
  }
  // ::ffff:10.0.0.0/104 is 10.0.0.0/8; a mapped prefix under 96 spans non-IPv4 space, so refuse it.
  if (mapped) {
    if (prefix < 96) fail('an IPv4-mapped prefix must be 96-128');
    prefix -= 96;
  }
  list.addSubnet(address, prefix, family === 4 ? 'ipv4' : 'ipv6');
}

/** Compile CIDRs and single addresses (IPv4 and IPv6). Throws InvalidIpEntryError naming the entry. */
export function createIpAllowList(entries: readonly string[]): IpAllowList {
  const list = new BlockList();
  entries.forEach((entry, i) => addEntry(list, entry, i));
  return {
    entries: [...entries],
    allows(ip) {
      const { address, family } = unmap(ip);
      if (family !== 4 && family !== 6) return false;
      return list.check(address, family === 4 ? 'ipv4' : 'ipv6');
    },
  };
}
