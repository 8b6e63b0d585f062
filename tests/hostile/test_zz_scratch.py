from tests.hostile.world import build_world

async def test_scratch(app, client):
    app.debug = True
    w = await build_world(client)
    aid = w.known["assessment_id"][0]
    code = w.known["code"][0]
    h = w.headers["dept_lead"]
    r = await client.put(f"/api/v1/assessments/{aid}/responses/{code}", headers=h, json={"revision": 1, "score": 0, "narrative": "a\x00b"})
    print(r.status_code, r.text[:300])
    r = await client.put(f"/api/v1/assessments/{aid}/responses/{code}", headers=h, json={"revision": 1, "score": 0, "narrative": "a\ud800b"})
    print(r.status_code, r.text[:300])
    r = await client.post(f"/api/v1/organisations", headers=w.headers["admin"], json={"slug": "x\x00", "name": "a\x00b"})
    print(r.status_code, r.text[:300])
    r = await client.get(f"/api/v1/assessments", headers=h, params={"organisation": "a\x00b", "status": "\x00"})
    print(r.status_code, r.text[:300])
    r = await client.post(f"/api/v1/evidence", headers=h, data={"title": "a\x00b"}, files={"file": ("a\x00.pdf", b"%PDF-1.4 x", "application/pdf")})
    print(r.status_code, r.text[:300])
