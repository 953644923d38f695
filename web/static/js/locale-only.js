// Pages without a script of their own still let the reader pick a language.
import { bindLocaleSelect } from "./i18n.js";

bindLocaleSelect();
