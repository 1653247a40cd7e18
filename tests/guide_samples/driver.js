// After the guide's samples: a new worker on a fresh demo, with the guide's own functions.
const RUN = JSON.parse(process.env.SITEROLL_DRIVER);

(async () => {
  const out = {};
  wxState.openid = RUN.worker_openid;
  const me = await login();
  const token = me.token;
  out.login = { token_type: me.token_type, has_user: Boolean(me.user) };
  const current = await api('GET', '/api/v1/consents/current', undefined, token);
  for (const c of current.items) await api('POST', '/api/v1/me/consents', { kind: c.kind, version: c.version }, token);
  out.profile = await api('PUT', '/api/v1/me/profile', RUN.profile, token);
  const preview = await api('GET', `/api/v1/join/${RUN.join_code}`, undefined, token);
  const joined = await api('POST', '/api/v1/projects/join', { join_code: RUN.join_code, team_id: preview.teams[0].id }, token);
  // enrollment with two frames: chapter 9's wx.request + multipart sample (its own scope: chapter9)
  const enroll = await chapter9.uploadFaceCheck({ token, kind: 'enroll', photoPaths: ['wxfile://enroll.jpg', 'wxfile://contract.jpg'] });
  out.enroll = await chapter9.waitResult(token, enroll.poll_url, Date.now() + 180000);
  if (!out.enroll || out.enroll.status !== 'passed') throw { enroll: out.enroll, accepted: enroll };

  wxState.openid = 'demo-payroll';
  const labour = (await login()).token;
  for (const [level, hours] of RUN.training) {
    await api('POST', `/api/v1/projects/${preview.project_id}/workers/${me.user.id}/trainings`,
      { level, hours, date: RUN.today, note: '入场三级安全教育' }, labour);
  }
  // identity checked on site with the card (10A.3): approval needs it
  await upload({ path: `/api/v1/projects/${preview.project_id}/workers/${me.user.id}/identity-verifications`,
    filePath: 'wxfile://enroll.jpg', name: 'document_photo',
    formData: { method: 'on_site', note: '核对身份证原件，人证一致' }, token: labour });
  await api('POST', `/api/v1/enrollments/${joined.membership_id}/approve`, undefined, labour);

  const contracts = await api('GET', '/api/v1/me/contracts', undefined, token);
  const contractId = contracts.items[0].id;
  out.sign = await signContract({ token, contractId, projectId: preview.project_id,
    selfiePath: 'wxfile://contract.jpg', signaturePath: 'wxfile://signature.png' });
  // the employer's signatory signs too (10.3): then the contract is in force
  wxState.openid = 'demo-signatory';
  const signatory = (await login()).token;
  await upload({ path: `/api/v1/contracts/${contractId}/employer-sign`, filePath: 'wxfile://signature.png',
    name: 'signature', token: signatory });
  out.contract = await api('GET', `/api/v1/contracts/${contractId}`, undefined, token);
  out.clock = await clock({ token, projectId: preview.project_id, direction: 'in', selfiePath: 'wxfile://clock.jpg' });
  console.log(JSON.stringify(out));
})().catch((e) => {
  console.error('FAILED', JSON.stringify(e), e && e.stack);
  process.exit(1);
});
