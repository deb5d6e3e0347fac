#!/usr/bin/env node
import "../dist/paodin-fleet.mjs";
