import { describe, expect, it } from 'vitest';
import { normalizeText } from '../../../src-main/core/rules/normalize';

describe('normalizeText', () => {
  it('gives Traditional and Simplified notes the same form', () => {
    expect(normalizeText('報警人稱兩口子打架，女的揚言要喝藥')).toBe(normalizeText('报警人称两口子打架，女的扬言要喝药'));
    expect(normalizeText('報警人稱樓道裡一股瓦斯味')).toBe('报警人称楼道里一股瓦斯味');
  });

  it('turns Taiwan 著 into 着 where it means -zhe, and Hong Kong variants into mainland forms', () => {
    expect(normalizeText('他拿著刀')).toBe('他拿着刀');
    expect(normalizeText('衞生院')).toBe('卫生院');
    expect(normalizeText('同學説活着太累了')).toBe('同学说活着太累了');
  });

  it('folds full-width letters and digits, lower-cases, and drops spaces, punctuation and symbols', () => {
    expect(normalizeText('ＫＴＶ唱到１２点！！ A b')).toBe('ktv唱到12点ab');
    expect(normalizeText('报警人称：“有人…拿刀”。😡')).toBe('报警人称有人拿刀');
    expect(normalizeText(' ，。！ ')).toBe('');
  });

  it('leaves a Simplified note untouched apart from punctuation', () => {
    const note = '报警人称晚上十一点了隔壁还在装修电钻声很吵';
    expect(normalizeText(note)).toBe(note);
  });

  it('normalizes a 500-character Traditional note quickly', () => {
    const note = '報警人稱晚上十一點了隔壁還在裝修，電鑽聲很吵。'.repeat(22).slice(0, 500);
    normalizeText(note);
    const start = performance.now();
    for (let i = 0; i < 200; i += 1) normalizeText(note);
    // Generous bound (shared CI machine); the bench measures the real figure.
    expect((performance.now() - start) / 200).toBeLessThan(2);
  });
});
