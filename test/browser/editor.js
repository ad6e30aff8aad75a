'use strict';
/**
 * What a person does in n8n's editor, as page actions, and what they see, as
 * plain values. Selectors are the editor's own data-test-id attributes.
 */
const UUID_SUFFIX = /-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const WAIT = 60_000;

/**
 * Moves the editor to `route` inside the running app (vue-router follows
 * popstate), so the 450-odd script modules n8n serves with max-age=0 are not
 * revalidated on every step. A first visit loads the page for real. Unsaved
 * changes from an earlier step are left behind.
 */
async function navigate(page, url, route, ready) {
	if (page.url().startsWith(url)) {
		await page.evaluate((r) => {
			window.history.pushState({}, '', r);
			window.dispatchEvent(new PopStateEvent('popstate', { state: {} }));
		}, route);
	} else {
		await page.goto(`${url}${route}`, { waitUntil: 'domcontentloaded', timeout: 180_000 });
	}
	const leave = page.getByRole('button', { name: /leave without saving/i });
	await Promise.race([ready.waitFor({ timeout: WAIT }), leave.waitFor({ timeout: WAIT })]);
	if (await leave.isVisible()) {
		await leave.click();
		await ready.waitFor({ timeout: WAIT });
	}
}

async function signIn(page, url, { email, password }) {
	await page.goto(`${url}/signin`, { waitUntil: 'domcontentloaded', timeout: 180_000 });
	await page.locator('#emailOrLdapLoginId').fill(email);
	await page.locator('#password').fill(password);
	await page.locator('[data-test-id=form-submit-button]').click();
	await page.waitForURL((u) => !u.pathname.startsWith('/signin'), { timeout: 180_000 });
}

/** Opens a saved workflow; `name` (unique per workflow) tells its canvas from the one shown before. */
async function openWorkflow(page, url, id, name) {
	await navigate(page, url, `/workflow/${id}`, page.locator('[data-test-id=workflow-name-input]', { hasText: name }));
	await page.locator('[data-test-id=canvas-node]').first().waitFor();
}

async function openEmptyCanvasPanel(page, url) {
	// A real load: moving to /workflow/new inside the app keeps the last workflow's canvas.
	await page.goto(`${url}/workflow/new`, { waitUntil: 'domcontentloaded', timeout: 180_000 });
	await page.locator('[data-test-id=canvas-add-button]').click({ timeout: 180_000 });
	return await panelSearch(page);
}

/** The nodes panel opened from the "+" after a node's output. */
async function openPanelAfter(page, nodeName) {
	await page.locator(`[data-test-id=canvas-node][data-node-name="${nodeName}"] [data-test-id=canvas-handle-plus]`).click();
	return await panelSearch(page);
}

/** The nodes panel opened from an AI Agent's Tool connector. */
async function openToolPanel(page, agentName) {
	await page
		.locator(`[data-test-id=canvas-node-input-handle][data-connection-type=ai_tool][data-node-name="${agentName}"] [data-test-id=canvas-handle-plus]`)
		.click();
	return await panelSearch(page);
}

async function panelSearch(page) {
	const input = page.locator('[data-test-id=node-creator-search-bar] input, input[data-test-id=node-creator-search-bar]').first();
	await input.waitFor({ timeout: WAIT });
	return input;
}

const entryLocator = (page, type) => page.locator(`[data-test-id=item-iterator-item][data-keyboard-nav-id^="${type}-"]`);

/** The panel's entries as { type, name, description }, in the order shown. */
async function panelEntries(page) {
	const raw = await page.locator('[data-test-id=item-iterator-item]').evaluateAll((items) =>
		items.map((item) => ({
			id: item.getAttribute('data-keyboard-nav-id') ?? '',
			name: item.querySelector('[data-test-id=node-creator-item-name]')?.textContent?.trim() ?? item.textContent.trim(),
			description: item.querySelector('[data-test-id=node-creator-item-description]')?.textContent?.trim() ?? '',
		})),
	);
	return raw.map(({ id, ...rest }) => ({ type: id.replace(UUID_SUFFIX, ''), ...rest }));
}

/**
 * Types a search and waits for the entry of `type` to show. When it never does,
 * the error lists what the panel showed instead.
 */
async function searchFor(page, input, text, type) {
	await input.fill(text);
	try {
		await entryLocator(page, type).first().waitFor({ timeout: 10_000 });
	} catch {
		const shown = await panelEntries(page);
		throw new Error(`searching "${text}" did not show ${type}; the panel showed: ${JSON.stringify(shown)}`);
	}
	return (await panelEntries(page)).find((e) => e.type === type);
}

async function openNdv(page, nodeName) {
	await page.locator(`[data-test-id=canvas-node][data-node-name="${nodeName}"]`).dblclick();
	const ndv = page.locator('[data-test-id=ndv]');
	await ndv.locator('[data-test-id=node-parameters]').waitFor({ timeout: WAIT });
	return ndv;
}

/** The labels of the parameters a person can see in the Parameters tab, top to bottom. */
async function visibleParameterLabels(ndv) {
	return await ndv.locator('[data-test-id=node-parameters] label.n8n-input-label').evaluateAll((labels) =>
		labels
			.filter((label) => label.offsetParent !== null && label.getClientRects().length > 0)
			.map((label) => (label.querySelector('[class*=title]') ?? label).textContent.replace(/\s+/g, ' ').trim())
			.filter(Boolean),
	);
}

/** Opens a parameter's dropdown and returns the option names it lists. */
async function dropdownOptions(page, ndv, parameterName) {
	await ndv.locator(`[data-test-id=parameter-input-${parameterName}]`).click();
	const items = page.locator('[data-test-id=parameter-input-item]:visible');
	await items.first().waitFor({ timeout: WAIT });
	const names = await items.evaluateAll((els) => els.map((el) => (el.querySelector('span') ?? el).textContent.trim()));
	await page.keyboard.press('Escape');
	return names;
}

module.exports = {
	signIn,
	openWorkflow,
	openEmptyCanvasPanel,
	openPanelAfter,
	openToolPanel,
	panelEntries,
	searchFor,
	entryLocator,
	openNdv,
	visibleParameterLabels,
	dropdownOptions,
	WAIT,
};
