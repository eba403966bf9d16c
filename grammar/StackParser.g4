// Syntax of the stack language. The parser only builds a tree; names, types
// and references are checked later, in frontend/sema.
parser grammar StackParser;

options { tokenVocab = StackLexer; }

file        : decl* EOF;

decl        : stackDecl
            | importDecl
            | paramDecl
            | templateDecl
            | componentDecl
            | profileDecl
            ;

stackDecl     : STACK name=IDENT;
importDecl    : IMPORT target=STRING;
paramDecl     : PARAM name=IDENT (COLON typeName=IDENT)? (EQ value)?;
templateDecl  : TEMPLATE name=IDENT COLON base=baseName body;
componentDecl : kind=componentKind name=IDENT (COLON base=baseName)? body;
profileDecl   : PROFILE name=IDENT LBRACE profileEntry* RBRACE;

componentKind : APP | DATABASE | TASK | BALANCER;
baseName      : IDENT | componentKind;

body        : LBRACE member* RBRACE;
member      : name=IDENT EQ value     # propertyMember
            | name=IDENT body         # blockMember
            ;

profileEntry : path EQ value;
path        : IDENT (DOT IDENT)*;

value       : STRING                  # stringValue
            | INT                     # intValue
            | UNIT_NUMBER             # unitValue
            | (TRUE | FALSE)          # boolValue
            | LBRACK (value (COMMA value)* COMMA?)? RBRACK            # listValue
            | LBRACE (mapEntry (COMMA? mapEntry)* COMMA?)? RBRACE     # mapValue
            | name=IDENT LPAREN (value (COMMA value)*)? RPAREN        # callValue
            | path                    # pathValue
            ;

mapEntry    : key=(IDENT | STRING) EQ value;
