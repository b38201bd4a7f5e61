// register.js: registers the offline app shell (sw.js, beside the page) and says when a new
// deployment has replaced the one saved on an earlier visit. Without service workers (an old
// browser, a private window that refuses them, a page opened from file://) the page works as it
// did, online only. <html data-offline="ready"> marks a page whose shell is saved.

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

async function register() {
  const workers = navigator.serviceWorker;
  workers.addEventListener('message', (event) => {
    if (event.data?.type !== 'nn-shell') return;
    document.documentElement.dataset.offline = 'ready';
    document.documentElement.dataset.shellVersion = event.data.version;
    if (event.data.updated) notice();
  });
  try {
    // Relative to the page, so it works under any sub-path; its scope is the page's folder.
    const registration = await workers.register(new URL('sw.js', document.baseURI), { scope: './' });
    await workers.ready;
    // A returning visit: the shell that serves it is already saved.
    if (workers.controller && !registration.installing && !registration.waiting) {
      workers.controller.postMessage({ type: 'nn-shell-version' });
    }
  } catch (err) {
    // Storage refused or quota full: the page still works online; say why in the console only.
    console.warn(`offline use is unavailable: ${err.message}`);
  }
}

if ('serviceWorker' in navigator && window.isSecureContext) register();
