/** `edx demo` end to end (in this process): what the README's first command shows a newcomer. */
import { describe, expect, it } from 'vitest';
import { runDemo } from '../../src/cli/commands/demo.js';

describe('edx demo', () => {
  it('A sends a signed document with a PDF to B; B lists, fetches, acknowledges, reports 01 then 03; the timeline shows it all', async () => {
    const lines: string[] = [];
    await runDemo({ out: (line) => lines.push(line) });
    const text = lines.join('\n');
    expect(text).toMatch(/202 created: package pkg_\w+; receipt #1 \(accepted\)/);
    expect(text).toMatch(/->\s+valid: Receipt .* is intact and signed by the axis/);
    // The demo runs the test PKI's CRL/OCSP server, so the default fail-closed policy checks the signer for real.
    expect(text).toContain('REVOCATION_POLICY=require');
    expect(text).toContain("signature valid (SIG_OK); signer's revocation status: good (ocsp)");
    expect(text).toMatch(/from 000\.00\.00\.H40: "V\/v triển khai liên thông văn bản điện tử" \[available\]/);
    expect(text).toContain('identical to what A sent: yes');
    expect(text).toMatch(/delivery acknowledged; receipt #3 \(acknowledged\)/);
    expect(text).toMatch(/status 01 \(Đã đến\): 202 created/);
    expect(text).toMatch(/status 03 \(Đã tiếp nhận\): 202 created/);
    expect(text).toContain("A's inbox: status 01 from 000.00.12.H40, status 03 from 000.00.12.H40");
    expect(text).toContain('status   now 03 at 000.00.12.H40');
    expect(lines.filter((l) => l.trim().startsWith('receipt  #')).map((l) => l.trim().split(/\s+/).slice(1, 3).join(' ')))
      .toEqual(['#1 accepted', '#2 fetched', '#3 acknowledged', '#4 accepted', '#5 accepted']);
  });
});
