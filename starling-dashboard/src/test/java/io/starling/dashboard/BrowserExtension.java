package io.starling.dashboard;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One headless Chromium for a test class (it takes a second or two to start), its window back at 1280 x 900
 * before each test; the class's tests skip loudly when Chromium is not installed.
 */
final class BrowserExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback {
    private Browser browser;

    Browser browser() {
        return browser;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        browser = Browser.start();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        browser.size(1280, 900);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (browser != null) {
            browser.close();
            browser = null;
        }
    }
}
