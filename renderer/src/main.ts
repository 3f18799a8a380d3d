import { mount } from 'svelte';
import App from './App.svelte';
import './styles.css';
import { createBackend } from './lib/backend.js';
import { AppStore } from './lib/store.svelte.js';

const store = new AppStore(createBackend());
mount(App, { target: document.getElementById('app')!, props: { store } });
