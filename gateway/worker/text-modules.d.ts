// Type of the text modules wrangler bundles (`[[rules]] type = "Text"` in wrangler.toml): the file's contents.
declare module '*.yml' {
  const text: string;
  export default text;
}
