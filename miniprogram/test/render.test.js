/**
 * @jest-environment jsdom
 */
// Every page's WXML compiles in Tencent's component simulator (miniprogram-simulate) and shows
// its data: the journeys assert page data; this checks the templates render that data as text.
const fs = require('fs');
const path = require('path');
const simulate = require('miniprogram-simulate');

const ROOT = path.resolve(__dirname, '..');
const app = JSON.parse(fs.readFileSync(path.join(ROOT, 'app.json'), 'utf8'));

/** Renders a page's WXML with the given data (the page's handlers are not needed to draw it). */
function render(route, data) {
  const id = simulate.load({
    template: fs.readFileSync(path.join(ROOT, `${route}.wxml`), 'utf8'),
    data,
  });
  const comp = simulate.render(id);
  comp.attach(document.createElement('parent-wrapper'));
  return comp;
}

function pageData(route) {
  let def = null;
  global.wx = { createCanvasContext: () => ({}) };
  global.getApp = () => ({ globalData: {} });
  global.Page = (d) => { def = d; };
  jest.isolateModules(() => require(path.join(ROOT, `${route}.js`)));
  return JSON.parse(JSON.stringify(def.data));
}

test.each(app.pages)('%s: WXML renders its initial data', (route) => {
  for (const ext of ['js', 'wxml', 'json']) expect(fs.existsSync(path.join(ROOT, `${route}.${ext}`))).toBe(true);
  const comp = render(route, pageData(route));
  expect(comp.dom).toBeTruthy();
});

test('an error from the server is shown as its Chinese message', () => {
  const data = { ...pageData('pages/join/join'), error: '项目码不存在，请向项目部核对' };
  const comp = render('pages/join/join', data);
  expect(comp.querySelector('.error').dom.textContent).toBe('项目码不存在，请向项目部核对');
});

test('the home page lists the gate\'s reasons, and the clock page the refusal reason', () => {
  const home = render('pages/index/index', {
    ...pageData('pages/index/index'), loading: false,
    projects: [{ projectId: 1, name: '深圳湾示例住宅项目', role: 'worker', roleText: '工人', teamName: '钢筋班',
                 statusText: '在岗', mayClock: false, reasons: ['合同尚未签署'], pages: [] }],
  });
  expect(home.dom.textContent).toContain('今天还不能打卡');
  expect(home.dom.textContent).toContain('合同尚未签署');
  const clock = render('pages/clock/clock', {
    ...pageData('pages/clock/clock'), status: 'rejected', statusText: '打卡未通过', reason: '打卡位置不在项目电子围栏内',
  });
  expect(clock.dom.textContent).toContain('原因：打卡位置不在项目电子围栏内');
});

test('a 变更协议 waiting for the worker is shown with its own sign button', () => {
  const page = render('pages/contracts/contracts', {
    ...pageData('pages/contracts/contracts'),
    amendments: [{ id: 7, title: '建筑工人劳动合同', statusText: '待签署', wage: '400.00 元', from: '2027-01-01',
                   canSign: true }],
  });
  expect(page.dom.textContent).toContain('工资标准变更为 400.00 元，自 2027-01-01 起');
  expect(page.dom.textContent).toContain('签署变更协议');
});

test('the review lists what to look at (flags) beside what is missing', () => {
  const page = render('pages/enrollments/enrollments', {
    ...pageData('pages/enrollments/enrollments'),
    items: [{ id: 1, userId: 2, name: '张*', team: '钢筋班', complete: true, needsIdentity: false, missing: [],
              flags: ['银行卡曾与他人重复登记，请核实是否本人的卡'] }],
  });
  expect(page.dom.textContent).toContain('注意：银行卡曾与他人重复登记，请核实是否本人的卡');
});
