// The demo store's own script: a stand-in consent banner (a real store uses its CMP or Shopify's Customer
// Privacy API), the "Buy now" button that tracks a purchase, and the review page. The banner remembers an
// "Accept" (the merchant's CMP record, written only after consent); "Decline" stores nothing.
(() => {
  window.rapport = window.rapport || [];
  const $ = (id) => document.getElementById(id);
  const state = $('consent-state');
  const cmp = $('cmp');
  const accepted = () => { try { return localStorage.getItem('demo-consent') === '1'; } catch { return false; } };
  const show = () => { if (state) state.textContent = accepted() ? 'Personalisation: on' : 'Personalisation: off (nothing stored)'; };
  if (accepted()) window.rapport.push(['consent', true]);
  else if (cmp) cmp.hidden = false;
  show();
  $('cmp-accept')?.addEventListener('click', () => {
    try { localStorage.setItem('demo-consent', '1'); } catch { /* blocked */ }
    window.rapport.push(['consent', true]);
    cmp.hidden = true;
    show();
  });
  $('cmp-decline')?.addEventListener('click', () => {
    try { localStorage.removeItem('demo-consent'); } catch { /* blocked */ }
    window.rapport.push(['consent', false]);
    cmp.hidden = true;
    show();
  });
  $('cmp-open')?.addEventListener('click', () => { cmp.hidden = false; $('cmp-accept')?.focus(); });
  const buy = $('buy');
  buy?.addEventListener('click', () => {
    const sku = buy.getAttribute('data-product');
    window.rapport.push(['purchase', { order: `demo-${Date.now()}`, items: [sku] }]);
    $('bought').textContent = 'Thank you! (a demo order: nothing was charged)';
  });
  const reviewed = $('review-product');
  if (reviewed) reviewed.textContent = new URLSearchParams(location.search).get('product') ?? '';
})();
