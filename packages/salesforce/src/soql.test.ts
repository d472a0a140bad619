import { ConnectorError } from '@org/mcp-core';
import { describe, expect, it } from 'vitest';
import { guardSoql, guardSosl, soqlContains, soqlString, soslTerm } from './soql.js';

const refused = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ConnectorError);
    return (e as ConnectorError).userMessage;
  }
  throw new Error('not refused');
};

describe('guardSoql', () => {
  it('adds a LIMIT where there is none, before OFFSET', () => {
    expect(guardSoql('SELECT Id FROM Account', 500)).toEqual({ soql: 'SELECT Id FROM Account LIMIT 500', limit: 500, limitAdded: true });
    expect(guardSoql('select Id from Account order by Name offset 10', 500).soql).toBe('select Id from Account order by Name LIMIT 500 offset 10');
    expect(guardSoql('SELECT Id FROM Account;', 5).soql).toBe('SELECT Id FROM Account LIMIT 5');
  });

  it('keeps a lower LIMIT and lowers a higher one', () => {
    expect(guardSoql('SELECT Id FROM Account LIMIT 10', 500)).toEqual({ soql: 'SELECT Id FROM Account LIMIT 10', limit: 10, limitAdded: false });
    expect(guardSoql('SELECT Id FROM Account LIMIT 50000 OFFSET 5', 500).soql).toBe('SELECT Id FROM Account LIMIT 500 OFFSET 5');
  });

  it('looks at the top level only: a LIMIT in a subquery or a string is not the statement\'s', () => {
    expect(guardSoql("SELECT Id, (SELECT Id FROM Contacts LIMIT 5) FROM Account WHERE Name = 'x LIMIT 3'", 100).soql).toBe("SELECT Id, (SELECT Id FROM Contacts LIMIT 5) FROM Account WHERE Name = 'x LIMIT 3' LIMIT 100");
    expect(guardSoql("SELECT Id FROM Account WHERE Name = 'it\\'s FOR VIEW'", 100).soql).toBe("SELECT Id FROM Account WHERE Name = 'it\\'s FOR VIEW' LIMIT 100");
  });

  it('refuses what is not one read-only SELECT', () => {
    expect(refused(() => guardSoql('DELETE FROM Account', 10))).toMatch(/SELECT statements only/);
    expect(refused(() => guardSoql('SELECT Id FROM Account; SELECT Id FROM Contact', 10))).toMatch(/One SOQL statement/);
    expect(refused(() => guardSoql('SELECT Id FROM Account FOR VIEW', 10))).toMatch(/FOR VIEW is refused: it writes the records' LastViewedDate/);
    expect(refused(() => guardSoql('SELECT Id FROM Account LIMIT 1 for reference', 10))).toMatch(/FOR REFERENCE is refused/);
    expect(refused(() => guardSoql('SELECT Id FROM Account LIMIT 1 FOR UPDATE', 10))).toMatch(/FOR UPDATE is refused: it locks/);
    expect(refused(() => guardSoql('SELECT Id FROM KnowledgeArticleVersion UPDATE VIEWSTAT', 10))).toMatch(/UPDATE VIEWSTAT is refused/);
    expect(refused(() => guardSoql("SELECT Id FROM Account WHERE Name = 'open", 10))).toMatch(/not closed/);
    expect(refused(() => guardSoql('SELECT Id FROM Account WHERE (Name = 1', 10))).toMatch(/parenthesis open/);
    expect(refused(() => guardSoql('SELECT Id FROM Account LIMIT :n', 10))).toMatch(/LIMIT takes a whole number/);
  });
});

describe('guardSosl', () => {
  it('takes FIND statements and limits them', () => {
    expect(guardSosl('FIND {Acme} IN NAME FIELDS RETURNING Account(Id, Name)', 200)).toBe('FIND {Acme} IN NAME FIELDS RETURNING Account(Id, Name) LIMIT 200');
    expect(guardSosl('FIND {a\\}b LIMIT 9} RETURNING Account(Id LIMIT 5) LIMIT 5000', 200)).toBe('FIND {a\\}b LIMIT 9} RETURNING Account(Id LIMIT 5) LIMIT 200');
    expect(refused(() => guardSosl('SELECT Id FROM Account', 10))).toMatch(/FIND statement/);
    expect(refused(() => guardSosl('FIND {open', 10))).toMatch(/not closed/);
    expect(refused(() => guardSosl('FIND {x} RETURNING Account; FIND {y}', 10))).toMatch(/One SOSL statement/);
  });
});

describe('literals', () => {
  it('escape what would end or change a string', () => {
    expect(soqlString("O'Brien \\ \n")).toBe("'O\\'Brien \\\\ \\n'");
    expect(soqlContains("50%_off'")).toBe("'%50\\%\\_off\\'%'");
    expect(soslTerm('a-b (c) "d"*')).toBe('{a\\-b \\(c\\) \\"d\\"\\*}');
  });
});
