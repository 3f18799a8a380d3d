// Lets tsc (which does not read .svelte files) type the imports of components; svelte-check
// checks the components themselves.
declare module '*.svelte' {
  import type { Component } from 'svelte';
  const component: Component<Record<string, unknown>>;
  export default component;
}
