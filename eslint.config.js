// ESLint (flat config): browser code in ui/ and extensions/, Node code in tests/ and scripts/.
import js from "@eslint/js";
import globals from "globals";

export default [
  { ignores: ["target/", "node_modules/", "dist/", "ui/sdk/dist/", "artifacts/", "src-tauri/gen/"] },
  js.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2022, sourceType: "module" },
    rules: {
      "no-unused-vars": ["error", { argsIgnorePattern: "^_", caughtErrors: "none" }],
    },
  },
  {
    files: [
      "ui/**/*.js",
      "extensions/**/*.js",
      "tests/**/extensions/**/*.js",
      "tests/e2e/fixtures/**/*.js",
      "tests/bench/bare.js",
      "tests/bench/component/*.js",
    ],
    languageOptions: { globals: globals.browser },
  },
  {
    files: ["tests/**/*.{js,mjs}", "scripts/**/*.{js,mjs}", "*.{js,mjs}"],
    languageOptions: { globals: globals.node },
  },
];
