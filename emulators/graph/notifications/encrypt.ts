import {
  constants,
  createCipheriv,
  createHmac,
  publicEncrypt,
  randomBytes,
  X509Certificate,
} from 'node:crypto'

export interface EncryptedContent {
  data: string
  dataSignature: string
  dataKey: string
  encryptionCertificateId: string
  encryptionCertificateThumbprint: string
}

/**
 * Encrypts a resource the way Graph does for rich notifications
 * (https://learn.microsoft.com/graph/change-notifications-with-resource-data#decrypting-resource-data-from-change-notifications):
 * a fresh AES-256 key per item; `data` = AES-CBC/PKCS7 with IV = the key's first 16 bytes;
 * `dataSignature` = HMAC-SHA256 over the encrypted bytes with the same key; `dataKey` = the key
 * under RSA-OAEP (SHA-1/MGF1) with the subscriber's certificate.
 */
export function encryptResource(
  resource: unknown,
  certificate: X509Certificate,
  certificateId: string,
): EncryptedContent {
  const key = randomBytes(32)
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16))
  const data = Buffer.concat([cipher.update(JSON.stringify(resource), 'utf8'), cipher.final()])
  const dataKey = publicEncrypt(
    { key: certificate.publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' },
    key,
  )
  return {
    data: data.toString('base64'),
    dataSignature: createHmac('sha256', key).update(data).digest('base64'),
    dataKey: dataKey.toString('base64'),
    encryptionCertificateId: certificateId,
    encryptionCertificateThumbprint: certificate.fingerprint.replaceAll(':', ''),
  }
}

/**
 * Parses `encryptionCertificate`: base64 of a DER X.509 certificate with an RSA key of
 * 2048 to 4096 bits. Returns an error message instead of throwing.
 */
export function parseEncryptionCertificate(base64: string): X509Certificate | string {
  let certificate: X509Certificate
  try {
    certificate = new X509Certificate(Buffer.from(base64, 'base64'))
  } catch {
    return 'encryptionCertificate must be the base64-encoded DER of an X.509 certificate.'
  }
  const key = certificate.publicKey
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0
  if (key.asymmetricKeyType !== 'rsa' || bits < 2048 || bits > 4096) {
    return 'encryptionCertificate must hold an RSA public key of 2048 to 4096 bits.'
  }
  return certificate
}
