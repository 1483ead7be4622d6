# Generates rpc_v1_edge.jsonl and acs3_edge.jsonl: random inputs (Unicode, reserved characters,
# empty values and methods, bodies, padded header values) signed by this independent, minimal
# implementation of the two documented algorithms. Not from an official SDK; the official
# vectors are rpc_v1.jsonl and acs3_hmac_sha256.jsonl. `python3 gen_edge_vectors.py` writes
# rpc.jsonl / acs3.jsonl (150 each); the committed files hold the first 40 and 30.
import hmac, hashlib, base64, json, random, urllib.parse
random.seed(7)
ALPH = "abcXYZ019-_.~ !*'()/+=&%:;,?#@[]$\u00e9\u6d4b\u8bd5\U0001F600\t"
def rs(n): return "".join(random.choice(ALPH) for _ in range(random.randint(0, n)))
def enc(s): return urllib.parse.quote(s, safe="-_.~", encoding="utf-8")
rpc = open("rpc.jsonl", "w"); acs = open("acs3.jsonl", "w")
for i in range(150):
    params = {rs(8) or "K": rs(20) for _ in range(random.randint(1, 12))}
    method = random.choice(["GET", "POST", ""])
    secret = rs(30) or "s"
    items = sorted(params.items(), key=lambda kv: kv[0].encode())
    cq = "&".join(f"{enc(k)}={enc(v)}" for k, v in items)
    sts = f"{method}&{enc('/')}&{enc(cq)}"
    sig = base64.b64encode(hmac.new((secret + "&").encode(), sts.encode(), hashlib.sha1).digest()).decode()
    rpc.write(json.dumps({"name": f"random_{i}", "method": method, "params": params, "secret": secret,
        "canonicalized_query": cq, "string_to_sign": sts, "signature": sig}) + "\n")
for i in range(150):
    query = {rs(8) or "Q": rs(20) for _ in range(random.randint(0, 10))}
    headers = {"host": "ens.aliyuncs.com", "x-acs-action": "CreateInstance", "x-acs-version": "2017-11-10",
               "x-acs-date": "2024-05-01T08:30:00Z", "x-acs-signature-nonce": "%032x" % random.getrandbits(128)}
    body = rs(40) if random.random() < 0.4 else ""
    payload = hashlib.sha256(body.encode()).hexdigest()
    headers["x-acs-content-sha256"] = payload
    if random.random() < 0.5:
        headers["x-acs-security-token"] = "  tok " + rs(10).strip() + "  "
    method = random.choice(["GET", "POST"])
    key_id, secret = "LTAI" + rs(6).encode("ascii", "ignore").decode() , rs(20) or "s"
    key_id = "LTAIabc"
    items = sorted(query.items(), key=lambda kv: kv[0].encode())
    cq = "&".join(f"{enc(k)}={enc(v)}" for k, v in items)
    hs = sorted((k.lower(), v.strip()) for k, v in headers.items())
    ch = "".join(f"{k}:{v}\n" for k, v in hs)
    sh = ";".join(k for k, _ in hs)
    cr = f"{method}\n/\n{cq}\n{ch}\n{sh}\n{payload}"
    s2s = "ACS3-HMAC-SHA256\n" + hashlib.sha256(cr.encode()).hexdigest()
    sig = hmac.new(secret.encode(), s2s.encode(), hashlib.sha256).hexdigest()
    auth = f"ACS3-HMAC-SHA256 Credential={key_id},SignedHeaders={sh},Signature={sig}"
    acs.write(json.dumps({"name": f"random_{i}", "method": method, "pathname": "/", "query": query,
        "headers_signed": headers, "body": body, "access_key_id": key_id, "access_key_secret": secret,
        "hashed_request_payload": payload, "canonical_query_string": cq, "canonical_headers": ch,
        "signed_headers": sh, "canonical_request": cr, "string_to_sign": s2s, "signature": sig,
        "authorization": auth}) + "\n")
