// Boots GraphiQL from the configuration the server renders into the page as
// a JSON data block: the page's Content-Security-Policy forbids inline
// scripts, so this file is the only code the page runs besides the vendored
// React and GraphiQL bundles.
(function () {
  'use strict';

  var cfg = JSON.parse(document.getElementById('graphiql-config').textContent);

  // The one <style> element GraphiQL inserts (react-style-singleton, when a
  // dialog opens) takes its nonce from this global; the page's CSP allows
  // inline styles only with it.
  window.__webpack_nonce__ = cfg.styleNonce;

  // Endpoints may be relative to the page; the websocket one is derived from
  // the HTTP endpoint unless configured, so one handler works behind any
  // host name and scheme (https pages must use wss).
  function resolve(url, ws) {
    var u = new URL(url, window.location.href);
    if (ws && u.protocol === 'http:') u.protocol = 'ws:';
    if (ws && u.protocol === 'https:') u.protocol = 'wss:';
    return u.href;
  }

  // GraphiQL keeps its tabs in local storage under this key (namespace
  // "graphiql", key "tabState").
  function storedTabs() {
    try {
      return window.localStorage.getItem('graphiql:tabState') !== null;
    } catch (e) {
      return false; // storage disabled: GraphiQL starts from defaults too
    }
  }

  var props = {
    fetcher: GraphiQL.createFetcher({
      url: resolve(cfg.endpoint, false),
      subscriptionUrl: resolve(cfg.subscriptionEndpoint || cfg.endpoint, true)
    }),
    defaultEditorToolsVisibility: true
  };
  if (cfg.headers) {
    props.defaultHeaders = cfg.headers;
  }
  if (cfg.tabs && cfg.tabs.length > 0) {
    props.defaultTabs = cfg.tabs;
    // GraphiQL 3 fills the first tab's variables and headers editors from
    // these props, not from defaultTabs[0]. Pass them only while no tabs are
    // stored, or they would replace what the user edited last time.
    if (!storedTabs()) {
      props.variables = cfg.tabs[0].variables || '';
      props.headers = cfg.tabs[0].headers || '';
    }
  }

  ReactDOM.createRoot(document.getElementById('graphiql'))
    .render(React.createElement(GraphiQL, props));
})();
