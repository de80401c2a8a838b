// Certificates for the e2e environment, made fresh at each start with openssl: one CA, and serving
// certificates it signs for loopback (the apiserver and the fake ARM). Test material only; never reused.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

export interface Ca {
    cert: string;
    key: string;
}

function openssl(args: string[], cwd: string): void {
    execFileSync("openssl", args, { cwd, stdio: ["ignore", "ignore", "pipe"] });
}

/** A new CA in `dir` (ca.crt, ca.key). */
export function makeCa(dir: string, commonName: string): Ca {
    fs.mkdirSync(dir, { recursive: true });
    openssl(
        [
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.crt",
            "-days",
            "3650",
            "-subj",
            `/CN=${commonName}`,
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
        ],
        dir,
    );
    return { cert: path.join(dir, "ca.crt"), key: path.join(dir, "ca.key") };
}

/** A serving (and client) certificate for loopback names, signed by `ca`; returns the file paths. */
export function makeLeaf(dir: string, ca: Ca, name: string, subject: string, extraSans: string[] = []): { cert: string; key: string } {
    const key = path.join(dir, `${name}.key`);
    const csr = path.join(dir, `${name}.csr`);
    const cert = path.join(dir, `${name}.crt`);
    const ext = path.join(dir, `${name}.ext`);
    const sans = ["DNS:localhost", "IP:127.0.0.1", ...extraSans].join(",");
    fs.writeFileSync(ext, `subjectAltName=${sans}\nextendedKeyUsage=serverAuth,clientAuth\nbasicConstraints=CA:FALSE\n`);
    openssl(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", csr, "-subj", subject], dir);
    openssl(
        ["x509", "-req", "-in", csr, "-CA", ca.cert, "-CAkey", ca.key, "-CAcreateserial", "-out", cert, "-days", "3650", "-extfile", ext],
        dir,
    );
    return { cert, key };
}

/** An RSA key pair (PEM) for signing service-account tokens. */
export function makeKeyPair(dir: string, name: string): { privateKey: string; publicKey: string } {
    const privateKey = path.join(dir, `${name}.key`);
    const publicKey = path.join(dir, `${name}.pub`);
    openssl(["genrsa", "-out", privateKey, "2048"], dir);
    openssl(["rsa", "-in", privateKey, "-pubout", "-out", publicKey], dir);
    return { privateKey, publicKey };
}
