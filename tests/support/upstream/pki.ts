// A throwaway PKI for TLS tests and `upstream:dev --tls`: a self-signed CA, a server certificate for 127.0.0.1 /
// localhost, and a client certificate as a PEM pair and as a passphrase-protected PFX. Made with the openssl
// CLI (node:crypto cannot issue X.509 certificates); `hasOpenssl()` says whether the tests can run here.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TestPki {
  dir: string;
  caFile: string;
  serverKey: Buffer;
  serverCert: Buffer;
  ca: Buffer;
  clientCertFile: string;
  clientKeyFile: string;
  clientPfxFile: string;
  pfxPassphrase: string;
  /** A second CA that signed nothing the server trusts (for negative tests). */
  otherCaFile: string;
}

export function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function openssl(dir: string, ...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

export function makeTestPki(dir: string, pfxPassphrase = 'pfx-Pass-9f31'): TestPki {
  const ec = ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'];
  for (const name of ['ca', 'other-ca', 'server', 'client']) openssl(dir, 'genpkey', ...ec, '-out', `${name}.key`);
  for (const [name, cn] of [['ca', 'Fenliu Test County CA'], ['other-ca', 'Somebody Else CA']] as const) {
    openssl(dir, 'req', '-x509', '-new', '-key', `${name}.key`, '-sha256', '-days', '2', '-subj', `/CN=${cn}`,
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign', '-out', `${name}.crt`);
  }
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  writeFileSync(join(dir, 'client.ext'), 'extendedKeyUsage=clientAuth\n');
  for (const [name, cn] of [['server', 'linkage.test'], ['client', 'nanbu-110-03']] as const) {
    openssl(dir, 'req', '-new', '-key', `${name}.key`, '-subj', `/CN=${cn}`, '-out', `${name}.csr`);
    openssl(dir, 'x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-sha256',
      '-extfile', `${name}.ext`, '-out', `${name}.crt`);
  }
  openssl(dir, 'pkcs12', '-export', '-inkey', 'client.key', '-in', 'client.crt', '-out', 'client.pfx', '-passout', `pass:${pfxPassphrase}`);
  return {
    dir,
    caFile: join(dir, 'ca.crt'),
    ca: readFileSync(join(dir, 'ca.crt')),
    serverKey: readFileSync(join(dir, 'server.key')),
    serverCert: readFileSync(join(dir, 'server.crt')),
    clientCertFile: join(dir, 'client.crt'),
    clientKeyFile: join(dir, 'client.key'),
    clientPfxFile: join(dir, 'client.pfx'),
    pfxPassphrase,
    otherCaFile: join(dir, 'other-ca.crt'),
  };
}
