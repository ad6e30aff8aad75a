/**
 * The folder tree is the architecture: CONTRIBUTING.md's layout block lists
 * every source file and folder (and nothing that is gone), imports point one
 * way (nodes -> resources -> trigger -> callbacks/descriptions -> run -> records -> transport), and no
 * imports form a circle.
 */
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');

function sourceFiles(dir) {
	return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
		const relative = `${dir}/${entry.name}`;
		if (entry.isDirectory()) return sourceFiles(relative);
		return entry.name.endsWith('.ts') ? [relative] : [];
	});
}

const SOURCES = [...sourceFiles('nodes'), ...sourceFiles('credentials')];

/** The paths of the layout block in CONTRIBUTING.md, in order. */
function layoutBlock() {
	const text = fs.readFileSync(path.join(ROOT, 'CONTRIBUTING.md'), 'utf8');
	const block = /^## Layout\n[\s\S]*?```text\n([\s\S]*?)```/m.exec(text)?.[1] ?? '';
	return block
		.split('\n')
		.filter((line) => line.trim() !== '')
		.map((line) => line.split(/\s{2,}/)[0]);
}

/** Each file's imports of other files of the package, as paths from the root. */
function imports(file) {
	const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
	return [...text.matchAll(/from '(\.[^']*)'/g)].map(([, spec]) => {
		const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), spec));
		return SOURCES.includes(`${target}.ts`) ? `${target}.ts` : `${target}/index.ts`;
	});
}

/** The layer of a file: an import may only go to a lower one, or stay in its folder. */
const LAYERS = [
	['nodes/Hailuo/resources/', 6],
	['nodes/Hailuo/trigger/', 5],
	['nodes/Hailuo/callbacks/', 4],
	['nodes/Hailuo/descriptions/', 4],
	['nodes/Hailuo/run/', 3],
	['nodes/Hailuo/records/', 2],
	['nodes/Hailuo/transport/', 1],
	['nodes/Hailuo/', 7],
	['credentials/', 7],
];
const layerOf = (file) => LAYERS.find(([prefix]) => file.startsWith(prefix));

test('the layout block lists every source file and folder, and nothing that does not exist', () => {
	const listed = layoutBlock();
	expect(listed.length).toBeGreaterThan(0);
	expect(listed.filter((p) => !fs.existsSync(path.join(ROOT, p)))).toEqual([]);
	const folders = [...new Set(SOURCES.flatMap((file) => file.split('/').slice(0, -1).map((_, i, parts) => `${parts.slice(0, i + 1).join('/')}/`)))];
	expect([...SOURCES, ...folders].filter((p) => !listed.includes(p))).toEqual([]);
});

test('imports point down the layers (nodes -> resources -> trigger -> callbacks/descriptions -> run -> records -> transport), never up or sideways', () => {
	const wrong = [];
	for (const file of SOURCES) {
		const [folder, layer] = layerOf(file);
		for (const target of imports(file)) {
			const [targetFolder, targetLayer] = layerOf(target);
			const sameFolder = targetFolder === folder;
			const sideways = targetLayer === layer && !sameFolder;
			const up = targetLayer > layer;
			if (up || sideways) wrong.push(`${file} -> ${target}`);
		}
	}
	expect(wrong).toEqual([]);
});

test('no imports form a circle', () => {
	const graph = new Map(SOURCES.map((file) => [file, imports(file)]));
	const circles = [];
	const state = new Map();
	const visit = (file, trail) => {
		if (state.get(file) === 'done') return;
		if (state.get(file) === 'open') {
			circles.push([...trail.slice(trail.indexOf(file)), file].join(' -> '));
			return;
		}
		state.set(file, 'open');
		for (const next of graph.get(file) ?? []) visit(next, [...trail, file]);
		state.set(file, 'done');
	};
	for (const file of SOURCES) visit(file, []);
	expect(circles).toEqual([]);
});
