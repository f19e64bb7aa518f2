import { describe, expect, it } from "vitest";
import { ipBucket } from "../../src/lib/request-meta";

describe("ipBucket (the per-IP rate-limit key)", () => {
  it("keeps an IPv4 address as it is", () => {
    expect(ipBucket("198.51.100.7")).toBe("198.51.100.7");
  });

  it("reduces an IPv6 address to its /64, whatever its spelling", () => {
    expect(ipBucket("2001:db8:1:2:3:4:5:6")).toBe("2001:db8:1:2::/64");
    expect(ipBucket("2001:0DB8:0001:0002:ffff:ffff:ffff:ffff")).toBe("2001:db8:1:2::/64");
    expect(ipBucket("2001:db8:1:2::1")).toBe("2001:db8:1:2::/64");
    expect(ipBucket("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(ipBucket("::1")).toBe("0:0:0:0::/64");
    expect(ipBucket("::")).toBe("0:0:0:0::/64");
    expect(ipBucket("fe80::1%eth0")).toBe("fe80:0:0:0::/64");
    expect(ipBucket("2001:db8:1:2:3:4:192.0.2.1")).toBe("2001:db8:1:2::/64");
  });

  it("treats an IPv4-mapped IPv6 address as the IPv4 address", () => {
    expect(ipBucket("::ffff:198.51.100.7")).toBe("198.51.100.7");
    expect(ipBucket("::FFFF:c633:6407")).toBe("198.51.100.7");
  });

  it("passes anything unparseable through unchanged (a key of its own)", () => {
    expect(ipBucket("not-an-ip")).toBe("not-an-ip");
    expect(ipBucket("1:2:3:4:5:6:7:8:9")).toBe("1:2:3:4:5:6:7:8:9");
  });
});
