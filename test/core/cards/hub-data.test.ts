import { describe, expect, test } from '@jest/globals';
import { ALL_MODEL_LIBRARY_KEYS, PIPELINE_DATA, PIPELINE_TYPES } from '@huggingface/tasks';
import { HUB_LIBRARY_NAMES, HUB_PIPELINE_TYPES, HUB_SUBTASKS } from '../../../src/core/cards/data/hub-tasks.js';

describe('hub-tasks.ts is @huggingface/tasks, as data', () => {
  test('pipeline tags, subtasks and libraries equal the installed package (else run `npm run hub-data`)', () => {
    expect(HUB_PIPELINE_TYPES).toEqual([...PIPELINE_TYPES]);
    expect(HUB_LIBRARY_NAMES).toEqual([...ALL_MODEL_LIBRARY_KEYS]);
    const subtasks = Object.entries(PIPELINE_DATA).flatMap(([pipeline, data]) =>
      ('subtasks' in data ? (data.subtasks as readonly { type: string }[]) : []).map((sub) => [sub.type, pipeline]),
    );
    expect(HUB_SUBTASKS).toEqual(subtasks);
  });
});
