import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createTestCertificate } from '../../../simulators/teams/tls.js';

describe('the simulator’s self-signed certificate', () => {
  it('is valid DER every time (random serials included) and names the loopback addresses', () => {
    for (let i = 0; i < 300; i++) {
      const { cert } = createTestCertificate();
      const x = new X509Certificate(cert);
      expect(x.ca).toBe(true);
      expect(x.subjectAltName).toBe(
        'DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1',
      );
      expect(x.verify(x.publicKey)).toBe(true);
      expect(Date.parse(x.validTo)).toBeGreaterThan(Date.now());
    }
  });
});
