// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
// A test tool: validates every object of Kubernetes manifests against the
// API's OpenAPI schema, offline, with the npm package kubernetes-models
// (its models' validate()), the YAML read by js-yaml. Prints one line per
// object, "ok KIND NAME" or "invalid KIND NAME: why"; exits 1 if any is
// invalid, of an unknown kind, or the file does not parse.
// Usage: node validate_k8s.js NODE_MODULES FILE...
//        node validate_k8s.js NODE_MODULES --get KIND PATH FILE
// (NODE_MODULES: where npm installed kubernetes-models and js-yaml). The
// second form prints the value at PATH (e.g. spec/template/spec) of
// FILE's first object of KIND: a string as it is, anything else as JSON.
"use strict";

const fs = require("fs");
const path = require("path");
const { pathToFileURL } = require("url");

const modules = path.resolve(process.argv[2] || ".");
const yaml = require(path.join(modules, "js-yaml"));

// apiVersion "apps/v1" -> kubernetes-models/apps/v1/KIND.js ("v1" is the
// core group's).
function modelPath(obj) {
	const file = path.join(modules, "kubernetes-models", obj.apiVersion,
			       `${obj.kind}.js`);
	return pathToFileURL(file).href;
}

async function validateOne(obj) {
	const what = `${obj.kind} ${obj.metadata && obj.metadata.name}`;
	let mod;

	try {
		mod = await import(modelPath(obj));
	} catch (e) {
		return `invalid ${what}: unknown apiVersion/kind ${obj.apiVersion}/${obj.kind}`;
	}
	try {
		new mod[obj.kind](obj).validate();
	} catch (e) {
		return `invalid ${what}: ${e.message.split("\n")[0]}`;
	}
	return `ok ${what}`;
}

function readAll(file) {
	return yaml.loadAll(fs.readFileSync(file, "utf8")).filter((d) => d);
}

function get(kind, where, file) {
	let v = readAll(file).find((d) => d.kind === kind);

	for (const key of where.split("/"))
		v = v === undefined ? v : v[key];
	if (v === undefined)
		process.exit(1);
	console.log(typeof v === "string" ? v.replace(/\n$/, "") : JSON.stringify(v));
}

async function main(files) {
	let bad = files.length === 0;

	for (const file of files) {
		let docs;
		try {
			docs = readAll(file);
		} catch (e) {
			console.log(`invalid ${path.basename(file)}: ${e.message.split("\n")[0]}`);
			bad = true;
			continue;
		}
		for (const obj of docs) {
			const line = await validateOne(obj);
			console.log(line);
			bad = bad || !line.startsWith("ok ");
		}
	}
	process.exit(bad ? 1 : 0);
}

if (process.argv[3] === "--get")
	get(process.argv[4], process.argv[5], process.argv[6]);
else
	main(process.argv.slice(3));
