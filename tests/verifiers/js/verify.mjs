// Verify one credential with Digital Bazaar's JavaScript stack, as third-party software does.
//
// Usage: node verify.mjs CONTEXTS_JSON ALLOWED_ORIGIN < credential.json
//   CONTEXTS_JSON   a JSON file mapping each bundled context URL to the path of its file
//   ALLOWED_ORIGIN  the only origin fetched over HTTP (the test server), e.g. http://localhost:8081
//
// The document loader is a plain one: the bundled contexts, the security v2 context from its
// npm package (jsonld-signatures frames the issuer profile with it), and HTTP GET to
// ALLOWED_ORIGIN for the issuer profile and the status list; a `#fragment` URL resolves to the
// entry of the fetched document whose id is that URL. Anything else is refused.
//
// Prints one JSON object: {"verified": bool, "revoked": bool|null, "errors": [string]}.
// `verified` covers the proof (and, for a credential with a status, the status list
// credential's proof); `revoked` is the credential's bit in its revocation status list.
import {readFileSync} from 'node:fs';

import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import securityContext from '@digitalbazaar/security-context';
import * as vc from '@digitalbazaar/vc';
import {checkStatus} from '@digitalbazaar/vc-bitstring-status-list';

const [contextsFile, allowedOrigin] = process.argv.slice(2);
if(!contextsFile || !allowedOrigin) {
  console.error('usage: node verify.mjs CONTEXTS_JSON ALLOWED_ORIGIN < credential.json');
  process.exit(2);
}

const contexts = new Map();
for(const [url, path] of Object.entries(JSON.parse(readFileSync(contextsFile, 'utf8')))) {
  contexts.set(url, JSON.parse(readFileSync(path, 'utf8')));
}
for(const [url, document] of securityContext.contexts) {
  if(!contexts.has(url)) {
    contexts.set(url, document);
  }
}

function findById(value, id) {
  if(Array.isArray(value)) {
    for(const item of value) {
      const found = findById(item, id);
      if(found) {
        return found;
      }
    }
  } else if(value && typeof value === 'object') {
    if(value.id === id) {
      return value;
    }
    for(const [key, item] of Object.entries(value)) {
      if(key !== '@context') {
        const found = findById(item, id);
        if(found) {
          return found;
        }
      }
    }
  }
  return null;
}

async function documentLoader(url) {
  if(contexts.has(url)) {
    return {contextUrl: null, documentUrl: url, document: structuredClone(contexts.get(url))};
  }
  const [base] = url.split('#');
  if(new URL(base).origin !== allowedOrigin) {
    throw new Error(`document loader refuses ${url}: not bundled, not on ${allowedOrigin}`);
  }
  const response = await fetch(base, {headers: {Accept: 'application/ld+json, application/json'}});
  if(!response.ok) {
    throw new Error(`GET ${base} answered ${response.status}`);
  }
  const fetched = await response.json();
  const document = url === base ? fetched : findById(fetched, url);
  if(!document) {
    throw new Error(`${base} has no entry with id ${url}`);
  }
  return {contextUrl: null, documentUrl: url, document};
}

function messages(error) {
  const found = [];
  for(let e = error; e; e = e.cause) {
    found.push(e.message || String(e));
    if(e.details && e.details.event && e.details.event.message) {
      // jsonld.js safe mode: which term was dropped, and where.
      found.push(e.details.event.message);
    }
    for(const nested of e.errors || []) {
      found.push(...messages(nested));
    }
    if(e.details && e.details.cause) {
      found.push(...messages(e.details.cause));
    }
  }
  return found;
}

const credential = JSON.parse(readFileSync(0, 'utf8'));
const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022});
let result;
try {
  result = await vc.verifyCredential({credential, suite, documentLoader, checkStatus});
} catch(error) {
  result = {verified: false, error};
}
const errors = [];
if(result.error) {
  errors.push(...messages(result.error));
}
for(const proofResult of result.results || []) {
  if(proofResult.error) {
    errors.push(...messages(proofResult.error));
  }
}
for(const statusResult of (result.statusResult && result.statusResult.results) || []) {
  if(statusResult.error) {
    errors.push(...messages(statusResult.error));
  }
}
if(result.statusResult && result.statusResult.error) {
  errors.push(...messages(result.statusResult.error));
}
const revocation = ((result.statusResult && result.statusResult.results) || []).find(
  entry => entry.credentialStatus && entry.credentialStatus.statusPurpose === 'revocation');
console.log(JSON.stringify({
  verified: result.verified === true,
  revoked: revocation && revocation.verified ? revocation.status === true : null,
  errors
}));
