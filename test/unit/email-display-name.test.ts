import { describe, expect, it } from "vitest";
import { EMAIL_NAME_MAX, greetingName, safeDisplayName } from "../../src/email/display-name";

describe("safeDisplayName", () => {
  it("keeps an ordinary name, collapsing whitespace", () => {
    expect(safeDisplayName("  Ada   Lovelace ")).toBe("Ada Lovelace");
    expect(safeDisplayName("Zoë O'Brien-Núñez")).toBe("Zoë O'Brien-Núñez");
    expect(safeDisplayName("J. R. R. Tolkien")).toBe("J. R. R. Tolkien");
  });

  it("drops links in every spelling and keeps the rest on one line", () => {
    expect(safeDisplayName("Account locked, visit https://evil.example/x\r\nCall now")).toBe("Account locked, visit Call now");
    for (const link of [
      "http://evil.example",
      "HTTPS://EVIL.EXAMPLE/x",
      "//evil.example/x",
      "www.evil.example",
      "evil.com/x",
      "evil.com",
      "support@evil.com",
      "mailto:a@b",
      "javascript:alert(1)",
      "tel:+15551234",
      "１２７.０.０.１",
      "evil．com",
      "evil。com",
      "10.0.0.1/admin",
    ]) {
      expect(safeDisplayName(`Ada ${link} Lovelace`), link).toBe("Ada Lovelace");
    }
  });

  it("removes control, format and separator characters (no header or line injection, no bidi tricks)", () => {
    expect(safeDisplayName("Ada\u0000\u0007\u2028\u2029\u202e\u200bLovelace\nBcc: x")).toBe("Ada Lovelace Bcc: x");
    expect(safeDisplayName("a\r\nb\rc\nd\te")).toBe("a b c d e");
  });

  it(`caps the name at ${EMAIL_NAME_MAX} characters`, () => {
    expect([...safeDisplayName("é".repeat(500))]).toHaveLength(EMAIL_NAME_MAX);
  });

  it("is empty when nothing but links and spaces is left", () => {
    expect(safeDisplayName(" https://evil.example \r\n www.evil.example ")).toBe("");
  });
});

describe("greetingName", () => {
  const to = (display_name: string | null, email_verified: number) => ({ email: "ada@example.com", display_name, email_verified });

  it("uses the cleaned name of a verified address", () => {
    expect(greetingName(to("Ada https://evil.example", 1))).toBe("Ada");
  });

  it("uses the email address for an unverified address, whose name anyone could have chosen", () => {
    expect(greetingName(to("Ada", 0))).toBe("ada@example.com");
  });

  it("falls back to the email address when there is no name or nothing is left of it", () => {
    expect(greetingName(to(null, 1))).toBe("ada@example.com");
    expect(greetingName(to("https://evil.example/x", 1))).toBe("ada@example.com");
  });
});
