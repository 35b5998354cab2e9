import { ConfigError } from '../../../src/config/config-error';
import { resolveConfig } from '../../../src/config/load-config';
import { createIpAllowList, InvalidIpEntryError } from '../../../src/receiver/ip-allowlist';

const demo = { provider: 'hmac', secrets: ['s'], signatureHeader: 'X-Sig', idField: 'id' };

describe('createIpAllowList', () => {
  test('allows() matches an IPv4 CIDR and nothing outside it', () => {
    const list = createIpAllowList(['10.0.0.0/8']);
    expect(list.allows('10.0.0.1')).toBe(true);
    expect(list.allows('10.255.255.255')).toBe(true);
    expect(list.allows('11.0.0.0')).toBe(false);
    expect(list.allows('127.0.0.1')).toBe(false);
  });

  test('allows() matches an IPv6 CIDR, in any spelling of the address', () => {
    const list = createIpAllowList(['2001:db8::/32']);
    expect(list.allows('2001:db8::1')).toBe(true);
    expect(list.allows('2001:0DB8:0000:0000:0000:0000:0000:0001')).toBe(true);
    expect(list.allows('2001:db9::1')).toBe(false);
    expect(list.allows('10.0.0.1')).toBe(false);
  });

  test('a single address matches only itself', () => {
    const list = createIpAllowList(['192.0.2.7', '2001:db8::7']);
    expect(list.allows('192.0.2.7')).toBe(true);
    expect(list.allows('192.0.2.8')).toBe(false);
    expect(list.allows('2001:db8::7')).toBe(true);
    expect(list.allows('2001:db8::8')).toBe(false);
  });

  test('an IPv4-mapped IPv6 client matches an IPv4 entry, and a mapped entry matches an IPv4 client', () => {
    expect(createIpAllowList(['127.0.0.1/32']).allows('::ffff:127.0.0.1')).toBe(true);
    expect(createIpAllowList(['127.0.0.1/32']).allows('::FFFF:127.0.0.2')).toBe(false);
    const mapped = createIpAllowList(['::ffff:10.0.0.0/104']);
    expect(mapped.allows('10.1.2.3')).toBe(true);
    expect(mapped.allows('::ffff:10.1.2.3')).toBe(true);
    expect(mapped.allows('11.1.2.3')).toBe(false);
    expect(createIpAllowList(['::ffff:192.0.2.1']).allows('192.0.2.1')).toBe(true);
  });

  test('allows() refuses what is not an address (a forged X-Forwarded-For, an empty socket address)', () => {
    const list = createIpAllowList(['0.0.0.0/0', '::/0']);
    expect(list.allows('2001:db8::1')).toBe(true);
    expect(list.allows('')).toBe(false);
    expect(list.allows('unknown')).toBe(false);
    expect(list.allows('203.0.113.7:443')).toBe(false);
  });

  test.each([
    ['10.0.0.0/33', 'the prefix must be 0-32'],
    ['2001:db8::/129', 'the prefix must be 0-128'],
    ['10.0.0.0/', 'the prefix must be 0-32'],
    ['10.0.0.0/8/8', 'more than one "/"'],
    ['10.0.0.256', 'not a valid IPv4 or IPv6 address'],
    ['example.com', 'not a valid IPv4 or IPv6 address'],
    ['fe80::1%eth0', 'zone IDs are not supported'],
    ['::ffff:10.0.0.0/8', 'an IPv4-mapped prefix must be 96-128'],
  ])('createIpAllowList([%j]) throws: %s', (entry, why) => {
    expect(() => createIpAllowList(['127.0.0.1', entry])).toThrow(new InvalidIpEntryError(1, `${JSON.stringify(entry)} is not an IP address or CIDR: ${why}`));
  });
});

describe('allowIps in the config', () => {
  test('a bad entry is a ConfigError naming sources.<name>.allowIps.<i>', () => {
    const load = () => resolveConfig({ sources: { demo: { ...demo, allowIps: ['10.0.0.0/8', '10.0.0.0/40'] } } }, '/x.json');
    expect(load).toThrow(ConfigError);
    expect(load).toThrow('sources.demo.allowIps.1: "10.0.0.0/40" is not an IP address or CIDR: the prefix must be 0-32');
  });

  test('an empty list is refused rather than silently refusing every sender', () => {
    expect(() => resolveConfig({ sources: { demo: { ...demo, allowIps: [] } } }, '/x.json')).toThrow('sources.demo.allowIps');
  });

});
