// register.js: registers the offline app shell (sw.js, beside the page) and says when a new
// deployment has replaced the one an earlier visit used (the version each visit's shell reports is
// kept in localStorage). Without service workers (an old browser, a private window that refuses
// them, a page opened from file://) the page works as it did, online only. <html
// data-offline="ready" data-shell-version="..."> marks a page whose shell is saved.

const NOTICE = {
  en: 'The playground was updated since your last visit; this version is saved for offline use.',
  zh: '自上次访问以来，实验场已更新；此版本已保存，可离线使用。',
};
const CLOSE = { en: 'Close', zh: '关闭' };

function notice() {
  const lang = document.documentElement.lang.startsWith('zh') ? 'zh' : 'en';
  const box = document.createElement('p');
  box.className = 'shell-notice';
  box.setAttribute('role', 'status');
  box.textContent = `${NOTICE[lang]} `;
  const close = document.createElement('button');
  close.type = 'button';
  close.textContent = CLOSE[lang];
  close.addEventListener('click', () => box.remove());
  box.append(close);
  document.body.append(box);
}

const SEEN = 'nn-playground-shell-version';

/** The deployment that serves the page: noted, and compared with the one an earlier visit saw. */
function served(version) {
  document.documentElement.dataset.offline = 'ready';
  document.documentElement.dataset.shellVersion = version;
  let before = null;
  try {
    before = localStorage.getItem(SEEN);
    localStorage.setItem(SEEN, version);
  } catch {
    return; // storage refused: nothing to compare with
  }
  if (before && before !== version && !document.querySelector('.shell-notice')) notice();
}

async function register() {
  const workers = navigator.serviceWorker;
  workers.addEventListener('message', (event) => {
    if (event.data?.type === 'nn-shell') served(event.data.version);
  });
  try {
    // Relative to the page, so it works under any sub-path; its scope is the page's folder.
    const registration = await workers.register(new URL('sw.js', document.baseURI), { scope: './' });
    // The active worker is asked which deployment it holds: at start, and again each time a new
    // one takes over (a new deployment is installed while the page that the network gave runs).
    const ask = () => registration.active?.postMessage({ type: 'nn-shell-version' });
    const track = (worker) => worker?.addEventListener('statechange', () => {
      if (worker.state === 'activated') ask();
    });
    track(registration.installing ?? registration.waiting);
    registration.addEventListener('updatefound', () => track(registration.installing));
    await workers.ready;
    ask();
  } catch (err) {
    // Storage refused or quota full: the page still works online; say why in the console only.
    console.warn(`offline use is unavailable: ${err.message}`);
  }
}

// Only a built page has a sw.js (web/offline-build.js writes it and defines __NN_OFFLINE__).
/* global __NN_OFFLINE__ */
const built = typeof __NN_OFFLINE__ === 'boolean' && __NN_OFFLINE__;
if (built && 'serviceWorker' in navigator && window.isSecureContext) register();
