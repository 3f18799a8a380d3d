import { describe, expect, it } from 'vitest';
import {
  APP_URL, ELECTRON_CSP, appAssetPath, isTrustedSender, navigationAllowed, parseThumbUrl, permissionAllowed, secureWebPreferences, windowOpenDecision,
} from './security.js';

describe('window security settings', () => {
  it('isolates and sandboxes the renderer without Node', () => {
    const p = secureWebPreferences('/x/preload.cjs');
    expect(p).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, nodeIntegrationInWorker: false, webSecurity: true, webviewTag: false, preload: '/x/preload.cjs' });
  });
  it('has a strict CSP', () => {
    expect(ELECTRON_CSP).toContain("default-src 'self'");
    expect(ELECTRON_CSP).toContain("object-src 'none'");
    expect(ELECTRON_CSP).not.toMatch(/'unsafe-eval'|script-src[^;]*'unsafe-inline'|\*/);
  });
  it('denies navigation away from the app, new windows and permissions', () => {
    expect(navigationAllowed(APP_URL)).toBe(true);
    for (const u of ['https://example.com/', 'file:///etc/passwd', 'shoebox://evil/index.html', 'shoebox://app:99/', 'javascript:alert(1)', 'nonsense']) {
      expect(navigationAllowed(u), u).toBe(false);
    }
    expect(windowOpenDecision('https://example.com')).toEqual({ action: 'deny' });
    for (const p of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal']) expect(permissionAllowed(p)).toBe(false);
  });
  it('answers IPC only from the app frame', () => {
    expect(isTrustedSender({ url: 'shoebox://app/index.html' })).toBe(true);
    expect(isTrustedSender({ url: 'https://evil.example/' })).toBe(false);
    expect(isTrustedSender({ url: 'file:///tmp/x.html' })).toBe(false);
    expect(isTrustedSender(null)).toBe(false);
  });
  it('maps app URLs to files inside the build only', () => {
    expect(appAssetPath('/dist', 'shoebox://app/assets/a.js')).toBe('/dist/assets/a.js');
    expect(appAssetPath('/dist', 'shoebox://app/')).toBe('/dist/index.html');
    expect(appAssetPath('/dist', 'shoebox://app/%2e%2e/%2e%2e/etc/passwd')).toBeNull();
    expect(appAssetPath('/dist', 'shoebox://other/a.js')).toBeNull();
  });
  it('parses thumbnail URLs as opaque ids only', () => {
    expect(parseThumbUrl('shoebox-thumb://photo/42')).toEqual({ kind: 'photo', rawId: '42' });
    expect(parseThumbUrl('shoebox-thumb://preview/42')).toEqual({ kind: 'preview', rawId: '42' });
    expect(parseThumbUrl('shoebox-thumb://model/shoebox-demo-v1/text.onnx')).toEqual({ kind: 'model', model: 'shoebox-demo-v1', file: 'text.onnx' });
    // pulled models keep their upstream layout's folders
    expect(parseThumbUrl('shoebox-thumb://model/demo-tjs/onnx/text_model.onnx')).toEqual({ kind: 'model', model: 'demo-tjs', file: 'onnx/text_model.onnx' });
    expect(parseThumbUrl('shoebox-thumb://model/demo-immich/textual/tokenizer.json')).toEqual({ kind: 'model', model: 'demo-immich', file: 'textual/tokenizer.json' });
    for (const u of ['shoebox-thumb://photo/..%2F1', 'shoebox-thumb://photo/%2e%2e', 'shoebox-thumb://photo/-1', 'shoebox-thumb://photo/1?x', 'shoebox-thumb://photo/1/2',
      'shoebox-thumb://photo/01', 'shoebox-thumb://model/x/..', 'shoebox-thumb://model/x/%2e%2e', 'shoebox-thumb://model/../x',
      'shoebox-thumb://model/x/onnx/../../y', 'shoebox-thumb://model/x/onnx/..', 'shoebox-thumb://model/x/onnx//y', 'shoebox-thumb://model/x/onnx/%2e%2e/y', 'shoebox-thumb://model/x/.hidden/y', 'shoebox-thumb://other/1', 'https://photo/1']) {
      expect(parseThumbUrl(u), u).toBeNull();
    }
  });
});
